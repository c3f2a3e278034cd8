// The registry client's network rules, without a network: which proxy Go
// would use for a URL, when a request is tried again and after how long,
// how the options are checked, and the one process-wide transfer limit.
import { describe, expect, it } from 'vitest'
import { proxyConfigFromEnv, proxyFor } from '../../src/registry/proxy-env.js'
import { DEFAULT_RETRY, nextDelay, retryAfterMs } from '../../src/registry/retry-policy.js'
import { networkSettings } from '../../src/registry/network-options.js'
import { transfers } from '../../src/registry/transfer-limiter.js'
import { USER_AGENT } from '../../src/registry/transport.js'
import { VERSION } from '../../src/version.js'

const via = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), proxyConfigFromEnv(env))

describe('proxy choice (Go semantics)', () => {
  it('https URLs use HTTPS_PROXY only, http URLs HTTP_PROXY only', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128' }
    expect(via('https://ghcr.io/v2/', env)).toBe('http://secure:3128')
    expect(via('http://registry.internal:5000/v2/', env)).toBe('http://plain:3128')
    // Unlike undici's default, an https URL never falls back to HTTP_PROXY.
    expect(via('https://ghcr.io/v2/', { HTTP_PROXY: 'http://plain:3128' })).toBeUndefined()
  })

  it('reads upper and lower case, upper case first; an empty value counts as unset', () => {
    expect(via('https://ghcr.io/', { https_proxy: 'http://lower:1' })).toBe('http://lower:1')
    expect(via('https://ghcr.io/', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' })).toBe('http://upper:1')
    expect(via('https://ghcr.io/', { HTTPS_PROXY: '', https_proxy: 'http://lower:1' })).toBe('http://lower:1')
    expect(via('https://ghcr.io/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '', no_proxy: 'ghcr.io' })).toBeUndefined()
  })

  it('takes a proxy without a scheme as http://, and never proxies loopback', () => {
    expect(via('https://ghcr.io/', { HTTPS_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128')
    for (const u of ['http://localhost:5000/', 'http://127.0.0.1:5000/', 'http://127.8.9.10/', 'http://[::1]:5000/'])
      expect(via(u, { HTTP_PROXY: 'http://p:1' })).toBeUndefined()
  })

  it('matches NO_PROXY entries as Go does: *, domains, .subdomains, ports, IPs and CIDRs', () => {
    const p = 'http://p:1'
    const cases: [string, string, boolean][] = [
      ['*', 'https://ghcr.io/', false],
      ['ghcr.io', 'https://ghcr.io/', false],
      ['ghcr.io', 'https://pkg.ghcr.io/', false],
      ['ghcr.io', 'https://notghcr.io/', true],
      ['.corp.example', 'https://corp.example/', true],
      ['.corp.example', 'https://reg.corp.example/', false],
      ['*.corp.example', 'https://reg.corp.example/', false],
      ['reg.corp:5000', 'https://reg.corp:5000/', false],
      ['reg.corp:5000', 'https://reg.corp/', true],
      ['10.0.0.0/8', 'https://10.1.2.3/', false],
      ['10.0.0.0/8', 'https://11.1.2.3/', true],
      ['192.168.1.5', 'https://192.168.1.5:443/', false],
      [' GHCR.IO , other', 'https://ghcr.io/', false],
    ]
    for (const [noProxy, url, proxied] of cases)
      expect([noProxy, url, via(url, { HTTPS_PROXY: p, NO_PROXY: noProxy })]).toEqual([noProxy, url, proxied ? p : undefined])
  })

  it('ignores HTTP_PROXY under CGI (REQUEST_METHOD set), as Go does, and refuses socks5 by name', () => {
    expect(via('http://reg.corp/', { HTTP_PROXY: 'http://p:1', REQUEST_METHOD: 'GET' })).toBeUndefined()
    expect(() => via('https://ghcr.io/', { HTTPS_PROXY: 'socks5://p:1' })).toThrow(/HTTPS_PROXY='socks5:\/\/p:1'/)
  })
})

describe('retries', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs('3', now)).toBe(3000)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(retryAfterMs('soon', now)).toBeUndefined()
    expect(retryAfterMs(null, now)).toBeUndefined()
  })

  it('backs off exponentially with jitter, never below Retry-After, within the budget', () => {
    const b = DEFAULT_RETRY
    expect(nextDelay(b, 1, 0, undefined, 0)).toBe(250)
    expect(nextDelay(b, 1, 0, undefined, 1)).toBe(500)
    expect(nextDelay(b, 3, 0, undefined, 1)).toBe(2000)
    expect(nextDelay(b, 4, 0, undefined, 1)).toBe(4000)
    expect(nextDelay({ ...b, tries: 10 }, 9, 0, undefined, 1)).toBe(10_000)
    expect(nextDelay(b, 1, 0, 7000, 0)).toBe(7000)
    // The fifth try was the last; and no wait may run past the time budget.
    expect(nextDelay(b, 5, 0, undefined, 0)).toBeUndefined()
    expect(nextDelay(b, 1, 59_900, undefined, 1)).toBeUndefined()
  })
})

describe('network options', () => {
  it('has defaults and refuses bad values naming the option', () => {
    expect(networkSettings({})).toMatchObject({ connectMs: 30_000, idleMs: 120_000, retry: { tries: 5, maxElapsedMs: 60_000 } })
    expect(networkSettings({ registryRetry: { tries: 2 } }).retry).toMatchObject({ tries: 2, maxElapsedMs: 60_000 })
    expect(() => networkSettings({ registryConcurrency: 0 })).toThrow(/registryConcurrency/)
    expect(() => networkSettings({ registryTimeouts: { idleMs: -1 } })).toThrow(/registryTimeouts\.idleMs/)
    expect(() => networkSettings({ registryRetry: { tries: 1.5 } })).toThrow(/registryRetry\.tries/)
  })

  it('says gostatic/<version> as its User-Agent', () => {
    expect(USER_AGENT).toBe(`gostatic/${VERSION}`)
  })
})

describe('the process-wide transfer limit', () => {
  it('never runs more than the limit at once, and takes a new limit', async () => {
    transfers.setLimit(3)
    let active = 0
    let most = 0
    const job = () =>
      transfers.run(async () => {
        most = Math.max(most, ++active)
        await new Promise((r) => setTimeout(r, 5))
        active--
      })
    await Promise.all(Array.from({ length: 20 }, job))
    expect(most).toBe(3)
    transfers.setLimit(1)
    most = 0
    await Promise.all(Array.from({ length: 5 }, job))
    expect(most).toBe(1)
    transfers.setLimit(4)
  })
})
