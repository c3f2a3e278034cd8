// The annotations both engines write come from one function, fed by what happened.
import { describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'
import { imageAnnotations, needsAnnotation, upxVerdict } from '../../src/engines/annotations.js'
import type { TargetNeeds } from '../../src/image/build-result.js'
import { checkNeeds } from '../../src/plan/needs-check.js'
import { needsImage } from '../../src/plan/needs-image.js'
import { needsSummary } from '../../src/plan/needs-verdicts.js'
import { deriveNeeds } from '../../src/plan/runtime-needs.js'
import { sourceDateEpoch } from '../../src/toolchain/source-date-epoch.js'

const svc = () => goService({ name: 'hello', source: 'examples/hello' })
const NONE: TargetNeeds = { status: 'checked', summary: 'no needs', verdicts: [] }

describe('image annotations', () => {
  it("records the plan's verified settings, the strip outcome and the UPX verdict", () => {
    const p = svc().annotations({ 'org.opencontainers.image.source': 'https://example.com/hello' }).plan()
    const t = p.targets[0]!
    expect(imageAnnotations(p.runtime.annotations, t, { machine: 'x86_64', strip: 'skipped', upx: upxVerdict(t.upx, null), needs: NONE }, null)).toEqual({
      'org.opencontainers.image.source': 'https://example.com/hello',
      'dev.gostatic.verified': 'static x86_64, CGO_ENABLED=0 -trimpath=true GOOS=linux GOARCH=amd64',
      'dev.gostatic.strip': 'skipped',
      'dev.gostatic.upx': 'not requested',
      'dev.gostatic.needs': 'none',
    })
  })

  it('records each need that was checked with its verdict, or why none was checked', () => {
    const p = svc().runtime('static').plan()
    const evidence = { functions: ['time.LoadLocation', 'os/user.Current'], modules: [], settings: { CGO_ENABLED: '0' } }
    const { verdicts } = checkNeeds(deriveNeeds(evidence), needsImage(p.runtime, null), p.needs)
    const checked: TargetNeeds = { status: 'checked', summary: needsSummary(verdicts), verdicts }
    expect(needsAnnotation(checked)).toBe('zoneinfo=added users=met')
    expect(needsAnnotation({ status: 'unchecked', summary: 'not checked', reason: 'not a Go binary' })).toBe('not checked (not a Go binary)')
  })

  it('names the refusing rule, and tells packed from kept unpacked', () => {
    const refused = svc().environment('production').upx().plan().targets[0]!
    expect(imageAnnotations({}, refused, { machine: 'x86_64', strip: 'not requested', upx: upxVerdict(refused.upx, null), needs: NONE }, null)['dev.gostatic.upx']).toBe('refused (environment)')
    const pack = svc().upx().plan().targets[0]!
    expect([upxVerdict(pack.upx, 'packed'), upxVerdict(pack.upx, 'kept-unpacked'), upxVerdict(svc().plan().targets[0]!.upx, null)]).toEqual(['packed', 'kept unpacked', 'not requested'])
  })

  it('names an image base and the digest it resolved to first', () => {
    const p = svc().runtime('alpine:3.20').plan()
    const a = imageAnnotations(p.runtime.annotations, p.targets[0]!, { machine: 'x86_64', strip: 'not requested', upx: 'not requested', needs: NONE }, { name: 'alpine:3.20', digest: 'sha256:abc' })
    expect(Object.entries(a).slice(0, 2)).toEqual([
      ['org.opencontainers.image.base.name', 'alpine:3.20'],
      ['org.opencontainers.image.base.digest', 'sha256:abc'],
    ])
  })
})

describe('SOURCE_DATE_EPOCH', () => {
  // With no host folder (null) git is never asked; test/e2e/source-date-epoch.test.ts covers the git default.
  it('takes the option first, then whole seconds from the environment, else 0', async () => {
    expect(await sourceDateEpoch({ sourceDateEpoch: 5 }, { SOURCE_DATE_EPOCH: '7' }, null)).toBe(5)
    expect(await sourceDateEpoch({}, { SOURCE_DATE_EPOCH: '1700000000' }, null)).toBe(1700000000)
    expect(await sourceDateEpoch({}, { SOURCE_DATE_EPOCH: '' }, null)).toBe(0)
    expect(await sourceDateEpoch({}, {}, null)).toBe(0)
    await expect(sourceDateEpoch({}, { SOURCE_DATE_EPOCH: '1.5' }, null)).rejects.toThrow("SOURCE_DATE_EPOCH must be whole seconds since 1970, got '1.5'")
  })
})
