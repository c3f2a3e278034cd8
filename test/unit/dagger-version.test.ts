// The engine-version rule (plan/dagger-version.ts), and its check on a real
// SDK session: a crafted session server (the seam: it stands in for an
// engine of another version, which this machine cannot run) answers the
// SDK's GraphQL queries through DAGGER_SESSION_PORT/TOKEN as `dagger run`
// would hand them over; the build must stop at once with ENGINE_VERSION.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { daggerVersionMismatch } from '../../src/plan/dagger-version.js'
import { DAGGER_SERVICE_CONCURRENCY, serviceConcurrency } from '../../src/plan/workspace-concurrency.js'
import { withDaggerSession } from '../../src/engines/dagger/dagger-session.js'
import { daggerSdkVersion } from '../../src/engines/dagger/dagger-version-check.js'

describe('daggerVersionMismatch', () => {
  it('accepts an engine of the same major and minor, whatever the patch', () => {
    expect(daggerVersionMismatch('v0.21.8', '0.21.9')).toBeNull()
    expect(daggerVersionMismatch('v0.21.9', '0.21.9')).toBeNull()
    expect(daggerVersionMismatch('v0.21.12-rc.1', '0.21.9')).toBeNull()
  })

  it('names both versions when the minor or major differs', () => {
    expect(daggerVersionMismatch('v0.19.2', '0.21.9')).toBe(
      'the engine is v0.19.2 and the Dagger SDK (@dagger.io/dagger) is 0.21.9, which needs v0.21.x',
    )
    expect(daggerVersionMismatch('v1.21.9', '0.21.9')).toContain('the engine is v1.21.9')
  })

  it('does not take a dev build for a release', () => {
    expect(daggerVersionMismatch('devel', '0.21.9')).toBe(
      "the engine reports version 'devel', not a release version; the SDK 0.21.9 needs v0.21.x",
    )
  })
})

describe('serviceConcurrency', () => {
  it("takes the caller's number, else the CPU count locally and a fixed bound on Dagger", () => {
    expect(serviceConcurrency('dagger', 3, 2)).toBe(3)
    expect(serviceConcurrency('local', 0, 2)).toBe(1)
    expect(serviceConcurrency('local', undefined, 6)).toBe(6)
    expect(serviceConcurrency('dagger', undefined, 2)).toBe(DAGGER_SERVICE_CONCURRENCY)
  })
})

describe('a session whose engine is of another version', () => {
  const queries: string[] = []
  let server: Server
  let port: number
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        const query = (JSON.parse(body) as { query: string }).query
        queries.push(query.replace(/\s+/g, ' ').trim())
        res.setHeader('content-type', 'application/json')
        // Only the version query is answered with data: any other call would be build work the check must prevent.
        if (/\bversion\b/.test(query)) res.end(JSON.stringify({ data: { version: 'v0.19.2' } }))
        else res.end(JSON.stringify({ errors: [{ message: `unexpected query: ${query}` }] }))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('fails with ENGINE_VERSION naming both versions, before any build work', async () => {
    const saved = { port: process.env['DAGGER_SESSION_PORT'], token: process.env['DAGGER_SESSION_TOKEN'] }
    process.env['DAGGER_SESSION_PORT'] = String(port)
    process.env['DAGGER_SESSION_TOKEN'] = 'seam-token'
    let ran = false
    try {
      const err = await withDaggerSession('hello', async () => (ran = true)).catch((e: unknown) => e)
      const sdk = daggerSdkVersion()
      expect(err).toMatchObject({
        name: 'GostaticError',
        code: 'ENGINE_VERSION',
        message: `the Dagger engine does not match the SDK: the engine is v0.19.2 and the Dagger SDK (@dagger.io/dagger) is ${sdk}, which needs v${sdk.replace(/\.\d+$/, '')}.x`,
      })
      expect(ran).toBe(false)
      expect(queries).toEqual([expect.stringMatching(/^(query )?\{ version \}$/)])
    } finally {
      for (const [k, v] of [['DAGGER_SESSION_PORT', saved.port], ['DAGGER_SESSION_TOKEN', saved.token]] as const)
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
    }
  })
})
