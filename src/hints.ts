// What a message tells the user to do, in the interface they are using: the
// CLI's flags in a terminal, the builder's calls in code. One table holds both
// forms of every such phrase, keyed by a stable id, so the two cannot drift
// apart and a test can read every form. The CLI says once, at start, that it
// is the interface (useSurface('cli')); everything else is the API.
//
// A setting no flag reaches (needs, copy, secrets, the UPX policy) is set in a
// gostatic.config.ts, which speaks the builder API: its CLI form says so.

export type Surface = 'cli' | 'api'

// A config may load its own copy of this module (see errors.ts's BRAND): the
// choice lives on globalThis so every copy in the process reads the same one.
const SURFACE = Symbol.for('gostatic.hint-surface')
const store = globalThis as { [SURFACE]?: Surface }

/** Called once by the `gostatic` command before it does anything else. */
export function useSurface(s: Surface): void {
  store[SURFACE] = s
}

export function surface(): Surface {
  return store[SURFACE] ?? 'api'
}

type Forms<P> = { readonly cli: (p: P) => string; readonly api: (p: P) => string }
const both = <P = void>(cli: (p: P) => string, api: (p: P) => string): Forms<P> => ({ cli, api })
/** A setting only a config (the builder API) reaches: the CLI form points at the config. */
const viaConfig = <P = void>(api: (p: P) => string): Forms<P> => both((p) => `${api(p)} in a gostatic.config.ts`, api)

type Zones = { readonly zones: readonly string[] | 'all' }
// '...' stands for "more of the same" and is never quoted.
const apiZones = ({ zones }: Zones) =>
  zones === 'all' ? "'all'" : `[${zones.map((z) => (z === '...' ? z : `'${z}'`)).join(', ')}]`
const cliZones = ({ zones }: Zones) => (zones === 'all' ? 'all' : zones.join(','))

export const HINTS = {
  /** The UPX option as a whole. */
  upx: both(
    () => '--upx',
    () => 'upx()',
  ),
  'upx-arm64': both(
    () => 'set upx({ policy: { allowArm64: true } }) in a gostatic.config.ts to accept that risk',
    () => 'pass upx({ policy: { allowArm64: true } }) to accept that risk',
  ),
  'upx-required': viaConfig(() => 'upx({ required: true })'),
  'upx-smoke': viaConfig(
    () => ".smoke([...]) fixes the smoke args, .smoke(false) skips the run if the binary can't run bare",
  ),
  cgo: both<{ readonly toolchain: string } | void>(
    (p) => (p ? `--cgo ${p.toolchain}` : '--cgo'),
    (p) => (p ? `.cgo({ toolchain: '${p.toolchain}' })` : '.cgo()'),
  ),
  'cgo-zig': viaConfig(() => ".cgo({ zig: '/path/to/zig' })"),
  timezones: both<Zones>(
    (p) => `--timezones ${cliZones(p)}`,
    (p) => `.timezones(${apiZones(p)})`,
  ),
  runtime: both<{ readonly base: string }>(
    (p) => `--runtime ${p.base}`,
    (p) => `runtime('${p.base}')`,
  ),
  platforms: both<{ readonly platforms: readonly string[] } | void>(
    (p) => (p ? `--platform ${p.platforms.join(',')}` : '--platform'),
    (p) => (p ? `.platforms(${p.platforms.map((x) => `'${x}'`).join(', ')})` : '.platforms(...)'),
  ),
  tags: both(
    () => '--tags',
    () => '.tags(...)',
  ),
  strip: both(
    () => '--strip',
    () => '.strip()',
  ),
  'main-field': both(
    () => '--main',
    () => 'main',
  ),
  main: both<{ readonly main: string }>(
    (p) => `--main ${p.main}`,
    (p) => `main: '${p.main}'`,
  ),
  go: both<{ readonly version: string } | void>(
    (p) => (p ? `--go ${p.version}` : '--go'),
    (p) => (p ? `.go('${p.version}')` : '.go()'),
  ),
  'upx-production': viaConfig(() => "upx({ policy: { allowProduction: { reason: '...' } } })"),
  'go-version': both<{ readonly version: string }>(
    (p) => `drop --go so the version comes from go.mod, or pass --go ${p.version} or newer`,
    (p) => `drop .go() so the version comes from go.mod, or set .go('${p.version}') or newer`,
  ),
  engine: both<{ readonly engine: string }>(
    (p) => `--engine ${p.engine}`,
    (p) => `engine '${p.engine}'`,
  ),
  'dagger-unavailable': both(
    () =>
      'start a Dagger engine and export _EXPERIMENTAL_DAGGER_RUNNER_HOST to its address, run under ' +
      '`dagger run`, or use --engine local',
    () =>
      'start a Dagger engine and export _EXPERIMENTAL_DAGGER_RUNNER_HOST to its address, run under ' +
      "`dagger run`, or use engine 'local'",
  ),
  'registry-auth': both<{ readonly registry: string }>(
    () => 'or point DOCKER_CONFIG at a folder whose config.json holds them',
    (p) => `or pass registryAuth: { '${p.registry}': { username, password } }`,
  ),
  'registry-timeout': viaConfig<{ readonly timeout: string }>((p) => `registryTimeouts.${p.timeout}Ms`),
  load: both(
    () => '--load',
    () => 'load()',
  ),
  'export-archive': both(
    () => 'build with --out FILE and load the archive where Docker runs',
    () => 'use exportTarball() and load the archive where Docker runs',
  ),
  'sign-key': both(
    () => '--sign-key cosign.key',
    () => "sign: { key: 'cosign.key' }",
  ),
  'sign-password': both(
    () => 'set COSIGN_PASSWORD to the password given to `cosign generate-key-pair`',
    () => 'set COSIGN_PASSWORD to the password given to `cosign generate-key-pair`, or pass sign.password',
  ),
  'module-folder': both(
    () => 'run gostatic in the folder holding go.mod, or pass that folder as [dir]',
    () => 'point source at the folder holding go.mod',
  ),
  'needs-ignore': viaConfig(() => "needs({ ignore: ['<id>'] })"),
  'needs-strict': viaConfig(() => 'needs({ strict: true })'),
  'ca-certificates': viaConfig(() => 'caCertificates(true)'),
  'copy-ca': viaConfig(() => ".copy('my-ca.pem', '/etc/ssl/certs/my-ca.pem')"),
  'ldflags-extra': viaConfig(() => 'an .ldflags({ extra }) entry'),
  'workspace-defaults': viaConfig(() => "the workspace's .defaults()"),
  'workspace-services': viaConfig(() => ".services([...]) or .discover('cmd/*')"),
  'cgo-ldflags': viaConfig(() => ".env({ CGO_LDFLAGS: '-L/path/to/lib' })"),
  'private-modules': viaConfig(() => '.secret(...) (e.g. a .netrc) and .goPrivate(...) for the private modules'),
} as const

export type HintId = keyof typeof HINTS
type Params<K extends HintId> = Parameters<(typeof HINTS)[K]['api']>

/** The phrase `id` in the form of the interface in use. */
export function hint<K extends HintId>(id: K, ...p: Params<K>): string {
  const forms = HINTS[id] as Forms<Params<K>[0]>
  return forms[surface()](p[0])
}
