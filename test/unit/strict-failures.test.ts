// The rule `inspect --strict` gates on, over reports as inspect makes them
// (the e2e test runs the CLI on real images; a cgo stub needs a module download).
import { describe, expect, it } from 'vitest'
import { strictFailures } from '../../src/inspect/strict-failures.js'
import type { InspectReport } from '../../src/inspect/inspect-report.js'

const need = (id: string, severity = 'error') => ({ id, severity, evidence: [], embedded: null, message: `${id} msg`, fix: '' })
const binary = (needs: object): InspectReport =>
  ({ kind: 'binary', path: 'b', binary: {}, verdicts: { static: 'ok' }, needs }) as unknown as InspectReport

describe('strictFailures', () => {
  it('fails a bare binary linked as a cgo stub, and no other derived need (there are no files to check)', () => {
    expect(strictFailures(binary({ status: 'derived', summary: '', needs: [need('cgo-stub'), need('zoneinfo', 'warning')] })))
      .toEqual(['needs cgo-stub: cgo-stub msg'])
    expect(strictFailures(binary({ status: 'derived', summary: '', needs: [need('zoneinfo', 'warning')] }))).toEqual([])
    expect(strictFailures(binary({ status: 'unknown', reason: 'packed' }))).toEqual([])
  })

  it('fails unmet needs checked against an image, except informational ones, by platform', () => {
    const verdict = (id: string, status: string, severity: string) => ({ ...need(id, severity), status })
    const platform = {
      platform: 'linux/arm64',
      verdicts: { static: 'ok', entrypoint: 'missing: /app' },
      needs: { status: 'checked', summary: '', verdicts: [verdict('zoneinfo', 'unmet', 'warning'), verdict('temp-dir', 'unmet', 'info'), verdict('ca-roots', 'met', 'error')] },
    }
    const report = { kind: 'image', platforms: [platform] } as unknown as InspectReport
    expect(strictFailures(report)).toEqual(['linux/arm64: entrypoint missing: /app', 'linux/arm64: needs zoneinfo: zoneinfo msg'])
  })
})
