// GoService: an immutable fluent builder. Every call returns a new builder
// (Kysely-style: a private props object, cloned on each call). Builder calls
// are synchronous and do no work; validation happens once, in toSpec().
import type { z } from 'zod'
import type { ServiceSpec, ServiceSpecInput, Secret, ExtraFile } from '../spec/service-spec.js'
import type { UpxOptionsSchema } from '../spec/service-spec.js'
import type { NeedsOptionsSchema } from '../spec/needs-options.js'
import type { CgoOptionsSchema } from '../spec/cgo-options.js'
import type { BinarySchema } from '../spec/binary-spec.js'
import type { Platform } from '../spec/platform.js'
import { parseServiceSpec } from '../spec/parse.js'
import { plan, type ExplainedPlan } from '../plan/plan.js'
import { readModuleFacts } from './read-module-facts.js'
import { readCgoFacts } from './read-cgo-facts.js'
import { renderDockerfile, renderDockerignore } from '../render/dockerfile.js'
import { checkHostPaths } from '../engines/host-paths.js'
import { buildPlan, type BuildOptions } from '../image/build-plan.js'
import type { BuildResult } from '../image/build-result.js'
import type { ReporterOptions } from '../progress/reporter.js'
import { reportBuild } from '../progress/report-build.js'

type Props = ServiceSpecInput
type UpxInput = z.input<typeof UpxOptionsSchema>
type NeedsInput = z.input<typeof NeedsOptionsSchema>
type CgoInput = z.input<typeof CgoOptionsSchema>
type BinaryInput = z.input<typeof BinarySchema>
type Field<K extends keyof Props> = NonNullable<Props[K]>

export class GoService {
  readonly #props: Props
  constructor(props: Props) {
    this.#props = props
  }
  #with(patch: Partial<Props>): GoService {
    return new GoService({ ...this.#props, ...patch })
  }

  /**
   * Go version for the builder, e.g. '1.23' or '1.23.4'. Default: go.mod's toolchain line, else its go line, else the
   * host's.
   */
  go(version: string): GoService {
    return this.#with({ go: version })
  }
  /** Builder image for the Dockerfile and Dagger engines (default golang:<ver>-alpine). */
  builderImage(ref: string): GoService {
    return this.#with({ builderImage: ref })
  }
  platforms(...platforms: (Platform | (string & {}))[]): GoService {
    return this.#with({ platforms: platforms as Platform[] })
  }
  tags(...tags: string[]): GoService {
    return this.#with({ tags: [...(this.#props.tags ?? []), ...tags] })
  }
  /** Build environment (not the container's; see runtimeEnv). */
  env(vars: Record<string, string>): GoService {
    return this.#with({ env: { ...this.#props.env, ...vars } })
  }
  ldflags(flags: { X?: Record<string, string>; extra?: string[] }): GoService {
    const cur = this.#props.ldflags ?? {}
    return this.#with({
      ldflags: { X: { ...cur.X, ...flags.X }, extra: [...(cur.extra ?? []), ...(flags.extra ?? [])] },
    })
  }
  mod(mode: Field<'mod'>): GoService {
    return this.#with({ mod: mode })
  }
  /** Skip `go mod download` (a workspace build downloads once per module and turns this off). */
  downloadModules(on: boolean): GoService {
    return this.#with({ downloadModules: on })
  }
  buildmode(mode: Field<'buildmode'>): GoService {
    return this.#with({ buildmode: mode })
  }
  goPrivate(...patterns: string[]): GoService {
    return this.#with({ goPrivate: [...(this.#props.goPrivate ?? []), ...patterns] })
  }
  /** A build-time secret (e.g. a token for private modules); never baked into the image or passed as an env literal. */
  secret(secret: Secret): GoService {
    return this.#with({ secrets: [...(this.#props.secrets ?? []), secret] })
  }
  /** strip --strip-unneeded after the build. */
  strip(on = true): GoService {
    return this.#with({ strip: on })
  }
  /** Pack with UPX where the UPX policy allows it. */
  upx(options: UpxInput = {}): GoService {
    return this.#with({ upx: options })
  }
  /**
   * A static cgo build, for services that must have cgo (github.com/mattn/go-sqlite3, their own C):
   * CGO_ENABLED=1 with a musl C toolchain and a static external link, verified static. `toolchain`
   * unset: zig, or musl-gcc when this machine has no zig and every target is its own platform.
   * `zig`: the zig executable to use on this machine (default: PATH, then python3 -m ziglang).
   */
  cgo(options: CgoInput = {}): GoService {
    return this.#with({ cgo: options })
  }
  /** Args for the post-UPX smoke run (default ['--version']), or false to skip it. */
  smoke(args: string[] | false): GoService {
    return this.#with({ smoke: args })
  }
  signing(kind: Field<'signing'>): GoService {
    return this.#with({ signing: kind })
  }
  fips(on = true): GoService {
    return this.#with({ fips: on })
  }
  environment(env: Field<'environment'>): GoService {
    return this.#with({ environment: env })
  }
  /** 'scratch' | 'static' | any image reference, e.g. 'alpine:3.20'. */
  runtime(base: 'scratch' | 'static' | (string & {})): GoService {
    return this.#with({ runtime: base })
  }
  /**
   * A CA bundle at /etc/ssl/certs/ca-certificates.crt (the static base has one by default): true for Node's bundled
   * Mozilla store, { file } to pin a PEM bundle from the source folder that every backend copies byte for byte.
   */
  caCertificates(on: Field<'caCertificates'> = true): GoService {
    return this.#with({ caCertificates: on })
  }
  /**
   * How runtime needs read from the binary (zoneinfo, CA roots, ...) are treated: `strict` makes an unmet
   * need an error instead of a warning; `ignore` adds needs met outside the image (a volume, a code path never taken).
   */
  needs(options: NeedsInput): GoService {
    const cur = this.#props.needs ?? {}
    return this.#with({ needs: { ...cur, ...options, ignore: [...(cur.ignore ?? []), ...(options.ignore ?? [])] } })
  }
  /** Time zones the service loads: a list like ['Europe/Berlin'], or 'all' (the default when called with none). */
  timezones(zones: 'all' | string[] = 'all'): GoService {
    return this.#with({ timezones: zones })
  }
  /** Numeric 'uid:gid' (Kubernetes runAsNonRoot needs numbers). Default '65532:65532'. */
  user(user: string): GoService {
    return this.#with({ user })
  }
  binaryPath(path: string): GoService {
    return this.#with({ binaryPath: path })
  }
  /**
   * A further program in the image, e.g. { main: './cmd/migrate', path: '/usr/local/bin/migrate' }: built, stripped,
   * packed, verified and needs-checked like the main one, in a layer of its own. Repeatable; the entrypoint stays
   * the main binary.
   */
  binary(b: BinaryInput): GoService {
    return this.#with({ binaries: [...(this.#props.binaries ?? []), b] })
  }
  entrypoint(...argv: string[]): GoService {
    return this.#with({ entrypoint: argv })
  }
  args(...args: string[]): GoService {
    return this.#with({ args })
  }
  runtimeEnv(vars: Record<string, string>): GoService {
    return this.#with({ runtimeEnv: { ...this.#props.runtimeEnv, ...vars } })
  }
  workdir(path: string): GoService {
    return this.#with({ workdir: path })
  }
  expose(...ports: (number | string)[]): GoService {
    return this.#with({ ports: [...(this.#props.ports ?? []), ...ports] })
  }
  labels(labels: Record<string, string>): GoService {
    return this.#with({ labels: { ...this.#props.labels, ...labels } })
  }
  annotations(a: Record<string, string>): GoService {
    return this.#with({ annotations: { ...this.#props.annotations, ...a } })
  }
  /** Copy a file or folder from the source dir into the image (like ko's kodata). */
  copy(from: string, to: string, mode?: number): GoService {
    const f: ExtraFile = mode === undefined ? { from, to } : { from, to, mode }
    return this.#with({ files: [...(this.#props.files ?? []), f] })
  }
  /**
   * Lets copy() and caCertificates({ file }) follow a symlink out of the source folder (refused by default:
   * PATH_OUTSIDE_SOURCE). Links inside a copied folder are kept as links either way.
   */
  allowLinksOutsideSource(on = true): GoService {
    return this.#with({ allowLinksOutsideSource: on })
  }
  include(...patterns: string[]): GoService {
    return this.#with({ include: [...(this.#props.include ?? []), ...patterns] })
  }
  exclude(...patterns: string[]): GoService {
    return this.#with({ exclude: [...(this.#props.exclude ?? []), ...patterns] })
  }
  /** SBOM format(s) for each platform image (default 'spdx'), or false for none. */
  sbom(formats: Field<'sbom'>): GoService {
    return this.#with({ sbom: formats })
  }
  /** The service name, before validation (for selecting services in configs and the CLI). */
  get name(): string {
    return this.#props.name
  }
  /** Rewrites the source folder, e.g. to resolve it against a config file's folder. */
  resolveSource(fn: (source: string) => string): GoService {
    return this.#with({ source: fn(this.#props.source) })
  }
  /** Compose a reusable chain: svc.with(hardened). */
  with(fn: (s: GoService) => GoService): GoService {
    return fn(this)
  }

  /** Validated plain data. Throws a GostaticError (INVALID_SPEC) naming each bad field. */
  toSpec(): ServiceSpec {
    return parseServiceSpec(this.#props)
  }
  /** Reads the Go version lines of go.mod (or the go.work that governs it) first; see plan(spec, facts). */
  plan(): ExplainedPlan {
    const spec = this.toSpec()
    return plan(spec, readModuleFacts(spec.source, spec.env['GOWORK'] ?? process.env['GOWORK']), readCgoFacts(spec))
  }
  explain(): string {
    return this.plan().explain()
  }
  /** Refuses, as the engines do, a copied path that a symlink leads out of the source folder. */
  dockerfile(): string {
    const p = this.plan()
    checkHostPaths(p, true)
    return renderDockerfile(p)
  }
  dockerignore(): string {
    return renderDockerignore(this.plan())
  }
  /**
   * Builds, verifies and assembles the image; progress goes to stderr as `reporter` says (default 'auto').
   * Nothing is written until you export it. An invalid spec rejects, never throws.
   */
  async build(opts: BuildOptions & ReporterOptions = {}): Promise<BuildResult> {
    const spec = this.toSpec()
    const p = this.plan()
    return reportBuild(opts, p.service, (onEvent) => buildPlan(p, { ...opts, onEvent }, spec))
  }
}

export function goService(opts: { name: string; source: string; main?: string }): GoService {
  return new GoService({ ...opts })
}
