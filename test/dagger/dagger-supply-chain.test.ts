// The Dagger engine's result attests through the same pure functions: a
// signed image built on the real engine verifies with the real cosign, and
// its provenance names the engine and the builder image by digest.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService } from '../../src/index.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { missingCosign } from '../support/cosign.js'
import { spdxErrors } from '../support/sbom-schemas.js'
import { uniqueRepo } from '../e2e/registry-fixtures.js'
import { cosign, cosignKeyPair } from '../e2e/supply-chain-fixtures.js'

const REGISTRY = process.env['GOSTATIC_REGISTRY'] ?? '127.0.0.1:5000'
const skip = missingDagger() || missingCosign()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-attest-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(skip)('dagger engine: supply chain', () => {
  it('publishes a signed image whose signature and attestations cosign verifies; provenance names the builder image by digest', async () => {
    const keys = await cosignKeyPair(join(tmp, 'keys'), 'dagger-pw')
    const r = await goService({ name: 'hello', source: resolve('examples/hello') })
      .builderImage(builderImage())
      .build({ engine: 'dagger', sign: { key: keys.key, password: 'dagger-pw' } })
    expect(r.engine).toBe('dagger')
    const docs = await r.supplyChain()
    const st = JSON.parse(docs.provenance.toString())
    expect(st.predicate.buildDefinition.internalParameters.engine).toBe('dagger')
    expect(st.predicate.runDetails.builder.id).toBe('urn:gostatic:builder:dagger')
    const builder = st.predicate.buildDefinition.resolvedDependencies.find((d: { name: string }) => d.name === 'builder-image')
    expect(builder).toMatchObject({ annotations: { reference: builderImage() }, digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    expect(spdxErrors(JSON.parse(docs.sboms[0]!.bytes.toString()))).toEqual([])

    const ref = `${REGISTRY}/${uniqueRepo('dagger-signed')}:1`
    await r.publish(ref)
    const v = await cosign(['verify', '--key', keys.pub, '--insecure-ignore-tlog', ref])
    expect(v.exitCode, v.stderr).toBe(0)
    for (const type of ['slsaprovenance1', 'spdxjson']) {
      const a = await cosign(['verify-attestation', '--key', keys.pub, '--insecure-ignore-tlog', '--type', type, ref])
      expect(a.exitCode, `${type}: ${a.stderr}`).toBe(0)
    }
  })
})
