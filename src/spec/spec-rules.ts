// Rules across ServiceSpec fields, each issue placed at the field to change.
import type { z } from 'zod'
import { upxPlatformRule } from './upx-platforms.js'
import type { Platform } from './platform.js'
import { CGO_PLATFORMS, type CgoOptions } from './cgo-options.js'
import { hint } from '../hints.js'
import { binaryRules, type BinarySpec } from './binary-spec.js'

/** The parsed fields these rules read; the schema's own output type would be circular here. */
interface SpecFields {
  readonly name: string
  readonly main: string
  readonly binaries: readonly BinarySpec[]
  readonly env: Readonly<Record<string, string>>
  /** 'all': the plan expands it, leaving out (with a warning) what UPX or cgo cannot serve, so no rule applies. */
  readonly platforms: readonly Platform[] | 'all'
  readonly upx?: { readonly policy: { readonly allowArm64: boolean } } | undefined
  readonly files: readonly { readonly to: string }[]
  readonly secrets: readonly { readonly id: string }[]
  readonly binaryPath?: string | undefined
  readonly cgo?: CgoOptions | undefined
}

export function specRules(s: SpecFields, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  cgoRules(s, issue)
  for (const k of ['GOOS', 'GOARCH', 'GOARM'] as const)
    if (s.env[k] !== undefined) issue(['env', k], `${k} is set per target by .platforms(...); remove it from env`)
  if (s.env['GOFLAGS'] !== undefined)
    issue(['env', 'GOFLAGS'], 'GOFLAGS is decided by the plan; use .mod(...), .tags(...) or .ldflags(...) instead')
  if (s.env['GOTOOLCHAIN'] !== undefined)
    issue(
      ['env', 'GOTOOLCHAIN'],
      'GOTOOLCHAIN is decided by the plan from .go(...); remove it from env and ask for ' +
        "the version with .go('1.23')",
    )
  // Mixed platforms are fine (each gets its own UPX verdict in the plan);
  // asking for UPX where no platform can be packed is a contradiction.
  if (s.upx !== undefined && s.platforms !== 'all') {
    const why = s.platforms.map((p) => [p, upxPlatformRule(p, s.upx!.policy.allowArm64)] as const)
    if (why.every(([, w]) => w !== undefined))
      issue(['upx'], `${hint('upx')} cannot pack any target platform: ${why.map(([p, w]) => `${p}: ${w}`).join('; ')}`)
  }
  // Two targets with one platform would build twice and write one image index entry over the other.
  const twice = s.platforms === 'all' ? undefined : firstRepeat(s.platforms)
  if (twice) issue(['platforms', twice.at], `${twice.value} is listed twice; give each platform once`)
  const to = firstRepeat(s.files.map((f) => f.to))
  if (to)
    issue(['files', to.at, 'to'], `two extra files are copied to ${to.value}; give each its own path in the image`)
  const binary = s.binaryPath ?? `/usr/local/bin/${s.name}`
  binaryRules(s, binary, issue)
  for (const [i, b] of s.binaries.entries())
    if (s.files.some((f) => f.to === b.path))
      issue(['binaries', i, 'path'], `an extra file is copied to ${b.path}; give the binary its own path in the image`)
  const onBinary = s.files.findIndex((f) => f.to === binary)
  if (onBinary >= 0)
    issue(
      ['files', onBinary, 'to'],
      `an extra file is copied to ${binary}, the binary's own path; copy it ` +
        `elsewhere or move the binary with binaryPath()`,
    )
  const id = firstRepeat(s.secrets.map((x) => x.id))
  if (id) issue(['secrets', id.at, 'id'], `two secrets have the id '${id.value}'; secret ids must be unique`)
}

type Issue = (path: (string | number)[], message: string) => void

function cgoRules(s: SpecFields, issue: Issue): void {
  const cgo = s.env['CGO_ENABLED']
  if (cgo !== undefined && s.cgo !== undefined)
    issue(['env', 'CGO_ENABLED'], 'CGO_ENABLED is set by the plan: .cgo() turns it on; remove it from env')
  else if (cgo !== undefined && cgo !== '0')
    issue(
      ['env', 'CGO_ENABLED'],
      `CGO_ENABLED=${cgo} with the host's C compiler makes a dynamically linked binary. For a static cgo build ` +
        'use .cgo() (zig or musl-gcc); otherwise remove it (the plan sets CGO_ENABLED=0) and find the packages ' +
        "that need cgo with: go list -deps -f '{{if .CgoFiles}}{{.ImportPath}}{{end}}' ./...",
    )
  if (s.cgo === undefined || s.platforms === 'all') return
  for (const k of ['CC', 'CXX'] as const)
    if (s.env[k] !== undefined)
      issue(
        ['env', k],
        `${k} is set per platform by .cgo(); choose the toolchain with .cgo({ toolchain: 'zig' | 'musl-gcc' }) ` +
          "or the zig with .cgo({ zig: '/path/to/zig' })",
      )
  const unsupported = s.platforms.filter((p) => !(CGO_PLATFORMS as readonly string[]).includes(p))
  if (unsupported.length > 0)
    issue(
      ['platforms'],
      `${hint('cgo')} builds static binaries for ${CGO_PLATFORMS.join(' and ')}; ${unsupported.join(', ')} ` +
        `${unsupported.length === 1 ? 'is' : 'are'} not supported with cgo`,
    )
  if (s.cgo.toolchain === 'musl-gcc' && s.platforms.length > 1)
    issue(
      ['cgo', 'toolchain'],
      `musl-gcc compiles for the machine it runs on only, and ${s.platforms.join(', ')} are ${s.platforms.length} ` +
        `platforms; use ${hint('cgo', { toolchain: 'zig' })} to cross-compile`,
    )
}

function firstRepeat<T>(xs: readonly T[]): { value: T; at: number } | undefined {
  const at = xs.findIndex((x, i) => xs.indexOf(x) !== i)
  return at < 0 ? undefined : { value: xs[at]!, at }
}
