// Which proxy a request goes through, decided as Go's net/http does
// (golang.org/x/net/http/httpproxy), so gostatic agrees with go, ko, docker
// and crane on the same environment: upper case wins over lower case, an
// https URL uses HTTPS_PROXY only, loopback is never proxied, and NO_PROXY
// holds '*', CIDRs, IPs and domains (with an optional port).
import { BlockList, isIP } from 'node:net'
import { ErrorCode, GostaticError } from '../errors.js'

export interface ProxyConfig {
  readonly httpProxy: string | undefined
  readonly httpsProxy: string | undefined
  readonly noProxy: string
  /** Under CGI (REQUEST_METHOD set) HTTP_PROXY may come from a client's header: Go ignores it. */
  readonly cgi: boolean
}

function envAny(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) if (env[n]) return env[n]
  return undefined
}

export function proxyConfigFromEnv(env: NodeJS.ProcessEnv): ProxyConfig {
  return {
    httpProxy: envAny(env, 'HTTP_PROXY', 'http_proxy'),
    httpsProxy: envAny(env, 'HTTPS_PROXY', 'https_proxy'),
    noProxy: envAny(env, 'NO_PROXY', 'no_proxy') ?? '',
    cgi: Boolean(env['REQUEST_METHOD']),
  }
}

/** The proxy URL for `url` ('http://proxy:3128'), or undefined to connect directly. */
export function proxyFor(url: URL, cfg: ProxyConfig): string | undefined {
  const https = url.protocol === 'https:'
  const raw = https ? cfg.httpsProxy : url.protocol === 'http:' && !cfg.cgi ? cfg.httpProxy : undefined
  if (!raw) return undefined
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (https ? '443' : '80')
  if (!useProxy(host, port, cfg.noProxy)) return undefined
  return proxyUrl(raw, https ? 'HTTPS_PROXY' : 'HTTP_PROXY')
}

/** Like Go: 'proxy:3128' means 'http://proxy:3128'; only http and https proxies are spoken here. */
export function proxyUrl(raw: string, name: string): string {
  let u: URL | undefined
  try {
    u = new URL(raw)
  } catch {
    u = undefined
  }
  if (!u || !['http:', 'https:', 'socks5:'].includes(u.protocol)) {
    try {
      u = new URL(`http://${raw}`)
    } catch {
      throw new GostaticError(ErrorCode.INVALID_CONFIG, `${name}='${raw}' is not a proxy URL`, {
        hint: `set ${name} to http://host:port (or unset it)`,
      })
    }
  }
  if (u.protocol === 'socks5:')
    throw new GostaticError(ErrorCode.UNSUPPORTED, `${name}='${raw}': gostatic speaks to http and https proxies only`, {
      hint: 'use an HTTP proxy (CONNECT) for registries',
    })
  return u.href.replace(/\/$/, '')
}

function useProxy(host: string, port: string, noProxy: string): boolean {
  if (host === 'localhost') return false
  const ipKind = isIP(host)
  if (ipKind && isLoopbackIp(host, ipKind)) return false
  for (const rawEntry of noProxy.split(',')) {
    const entry = rawEntry.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return false
    if (entry.includes('/')) {
      if (ipKind && cidrContains(entry, host, ipKind)) return false
      continue
    }
    const { host: eHost, port: ePort } = splitHostPort(entry)
    if (isIP(eHost)) {
      if (ipKind && sameIp(eHost, host) && (ePort === '' || ePort === port)) return false
      continue
    }
    // 'foo.com' matches foo.com and its subdomains; '.foo.com' and '*.foo.com' only the subdomains.
    let suffix = eHost.startsWith('*.') ? eHost.slice(1) : eHost
    const matchHost = !suffix.startsWith('.')
    if (matchHost) suffix = `.${suffix}`
    const hostMatches = host.endsWith(suffix) || (matchHost && host === suffix.slice(1))
    if (hostMatches && (ePort === '' || ePort === port)) return false
  }
  return true
}

function splitHostPort(entry: string): { host: string; port: string } {
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(entry)
  if (v6) return { host: v6[1]!, port: v6[2] ?? '' }
  const m = /^([^:]+):(\d+)$/.exec(entry)
  return m ? { host: m[1]!, port: m[2]! } : { host: entry, port: '' }
}

function isLoopbackIp(ip: string, kind: number): boolean {
  if (kind === 4) return ip.startsWith('127.')
  return cidrContains('::1/128', ip, 6) || cidrContains('::ffff:127.0.0.0/104', ip, 6)
}

function cidrContains(cidr: string, ip: string, kind: number): boolean {
  const [net, bits] = cidr.split('/') as [string, string]
  const netKind = isIP(net)
  const prefix = Number(bits)
  if (!netKind || !Number.isInteger(prefix)) return false
  const list = new BlockList()
  try {
    list.addSubnet(net, prefix, netKind === 4 ? 'ipv4' : 'ipv6')
    return list.check(ip, kind === 4 ? 'ipv4' : 'ipv6')
  } catch {
    return false
  }
}

function sameIp(a: string, b: string): boolean {
  const kind = isIP(a)
  return kind === isIP(b) && cidrContains(`${a}/${kind === 4 ? 32 : 128}`, b, kind)
}
