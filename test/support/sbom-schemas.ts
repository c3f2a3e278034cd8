// The official JSON schemas the SBOMs must pass: SPDX 2.3 (spdx-spec's
// schemas/spdx-schema.json, vendored from PyPI, see test/fixtures/schemas/)
// and CycloneDX 1.6 (as @cyclonedx/cyclonedx-library ships it), checked with ajv.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'

const require = createRequire(import.meta.url)
// CommonJS plugins: required as they are published.
const addFormats = require('ajv-formats') as (a: Ajv) => Ajv
const addDraft2019Formats = require('ajv-formats-draft2019') as (a: Ajv) => Ajv
const CDX = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema')
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>

function ajv(): Ajv {
  const a = new Ajv({ strict: false, allErrors: true })
  addFormats(a)
  addDraft2019Formats(a)
  return a
}

let spdx: ValidateFunction | undefined
let cdx: ValidateFunction | undefined

export function spdxErrors(doc: unknown): string[] {
  const check = (spdx ??= ajv().compile(json(resolve(import.meta.dirname, '../fixtures/schemas/spdx-2.3.schema.json'))))
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

export function cyclonedxErrors(doc: unknown): string[] {
  if (!cdx) {
    const a = ajv()
    // The BOM schema refers to its neighbours by their file names.
    for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json'])
      a.addSchema({ ...json(join(CDX, f)), $id: `http://cyclonedx.org/schema/${f}` })
    cdx = a.compile(json(join(CDX, 'bom-1.6.SNAPSHOT.schema.json')))
  }
  const check = cdx
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
