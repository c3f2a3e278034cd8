// spec → BuildPlan. Pure: no I/O, no clock, no env. Same spec, same plan.
import { parseServiceSpec } from '../spec/parse.js'
import type { SbomFormat, ServiceSpec } from '../spec/service-spec.js'
import { parseModuleFacts, type ModuleFacts } from '../spec/module-facts.js'
import { platformInfo, type Platform } from '../spec/platform.js'
import type { BuilderTool, BuildPlan, GoPlan, Step, StripPlan, TargetPlan } from './build-plan.js'
import { buildEnv, buildTags, goArgs, moduleEnv } from './go-flags.js'
import { chooseGoVersion, compareGo } from './go-version.js'
import { goVersionNote } from './go-version-note.js'
import { upxVerdict } from './upx-policy.js'
import { runtimePlan, tzStrategy } from './runtime-plan.js'
import { planNotes } from './notes.js'
import { explainPlan } from './explain.js'
import { parseCgoFacts, type CgoFacts } from '../spec/cgo-options.js'
import { cgoBuilderTools, cgoPlan } from './cgo-plan.js'
import type { CgoPlan } from './build-plan.js'
import { CGO_STUB_MODULES } from './runtime-needs.js'
import { choosePlatforms, type BasePlatforms, type PlannedSpec } from './all-platforms.js'
import { hint } from '../hints.js'

export const DEFAULT_GO_VERSION = '1.26'

export type ExplainedPlan = BuildPlan & { explain(): string }

/**
 * Plans a spec (raw input is validated first). `facts` are the go and
 * toolchain lines of the module's go.mod (or go.work), read beforehand
 * (GoService.plan() does); without them the Go version is the spec's or the
 * host's. `host` are the facts .cgo() reads (GoService.plan() reads them when
 * the spec has .cgo()): without them .cgo() picks zig and every known cgo
 * module's tags. `base` lists the platforms of an image base, for platforms 'all' (GoService.build() reads its
 * index). The result is frozen plain data plus a non-enumerable explain().
 */
export function plan(
  input: ServiceSpec | unknown,
  facts: ModuleFacts | null = null,
  host: CgoFacts | null = null,
  base: BasePlatforms | null = null,
): ExplainedPlan {
  const parsed = parseServiceSpec(input)
  const module = facts === null ? null : parseModuleFacts(facts)
  const cgoFacts = host === null ? null : parseCgoFacts(host)
  const choice = choosePlatforms(parsed, base, cgoFacts?.host ?? null)
  const spec: PlannedSpec = { ...parsed, platforms: choice.platforms }
  const cgo = cgoPlan(spec, cgoFacts)
  const go = goPlan(spec, module, cgo)
  const tags = buildTags(spec, tzStrategy(spec) === 'timetzdata', cgo)
  const targets = spec.platforms.map((p) => targetPlan(spec, p, tags, cgo))
  const steps: Step[] = [{ kind: 'copy-module-files', files: ['go.mod'], optional: ['go.sum'] }]
  if (spec.mod !== 'vendor' && spec.downloadModules) steps.push({ kind: 'mod-download', args: ['mod', 'download'] })
  steps.push({ kind: 'copy-sources', include: spec.include, exclude: spec.exclude })
  const binaries = spec.binaries.map((b) => ({ package: b.main, path: b.path }))
  // The main binary's steps first: the needs check of each further binary adds to the runtime it checked.
  for (const t of targets)
    for (const b of [undefined, ...binaries.map((x) => x.path)]) {
      const on = { platform: t.platform, ...(b === undefined ? {} : { binary: b }) }
      steps.push({ kind: 'go-build', ...on })
      if (t.strip) steps.push({ kind: 'strip', ...on })
      // Before UPX, which hides the function table and build info the check reads.
      const refuseModules = t.env['CGO_ENABLED'] === '1' ? [] : CGO_STUB_MODULES
      steps.push({ kind: 'check-needs', ...on, refuseModules })
      if (t.upx.kind === 'pack') steps.push({ kind: 'upx', ...on })
      steps.push({ kind: 'verify-static', ...on })
    }
  steps.push({ kind: 'assemble-runtime' })

  const result: BuildPlan = {
    schema: 'gostatic.plan/v1',
    service: spec.name,
    source: { dir: spec.source, main: spec.main, links: spec.allowLinksOutsideSource ? 'follow' : 'confine' },
    go,
    targets,
    binaries,
    steps,
    runtime: runtimePlan(spec),
    secrets: spec.secrets,
    needs: { ...spec.needs, declined: spec.caCertificates === false ? ['ca-roots'] : [] },
    warnings: [...choice.warnings, ...warnings(spec, targets, module)],
    notes: [goVersionNote(go, module), ...planNotes(spec, tags, cgo)],
    supplyChain: { sbom: sbomFormats(spec.sbom) },
  }
  const copy = structuredClone(result)
  Object.defineProperty(copy, 'explain', { value: () => explainPlan(copy), enumerable: false })
  return deepFreeze(copy) as ExplainedPlan
}

function goPlan(spec: ServiceSpec, facts: ModuleFacts | null, cgo: CgoPlan | null): GoPlan {
  const choice = chooseGoVersion(spec, facts)
  // The tag follows the version, so a module that needs Go 1.27 never gets an older builder image.
  const image = spec.builderImage ?? `golang:${choice.version ?? DEFAULT_GO_VERSION}-alpine`
  const apk = /(^|[/:-])alpine/.test(image)
  const tools: BuilderTool[] = []
  if (spec.strip) tools.push({ command: 'strip', package: 'binutils' })
  // The Dockerfile's verify-static reads the program headers and dynamic section with readelf.
  tools.push({ command: 'readelf', package: 'binutils', dockerfileOnly: true })
  if (spec.upx !== undefined) tools.push({ command: 'upx', package: apk ? 'upx' : 'upx-ucl' })
  // The Dockerfile unpacks the zone files from Go's zoneinfo.zip in the builder.
  if (tzStrategy(spec) === 'files') tools.push({ command: 'unzip', package: 'unzip', dockerfileOnly: true })
  if (cgo !== null) tools.push(...cgoBuilderTools(cgo, apk ? 'apk' : 'apt'))
  return {
    version: choice.version,
    from: choice.from,
    toolchainIfOlder: choice.toolchain,
    builderImage: image,
    builderTools: { manager: apk ? 'apk' : 'apt', tools },
    cgo,
    moduleEnv: moduleEnv(spec),
  }
}

function targetPlan(spec: ServiceSpec, platform: Platform, tags: readonly string[], cgo: CgoPlan | null): TargetPlan {
  const info = platformInfo(platform)
  const settings: Record<string, string> = {
    CGO_ENABLED: cgo === null ? '0' : '1',
    '-trimpath': 'true',
    GOOS: info.os,
    GOARCH: info.goarch,
  }
  // With -trimpath go records neither -ldflags nor the CGO_* flags (they may hold paths), but it records the
  // tags, and with cgo on they carry netgo and osusergo.
  if (cgo !== null) settings['-tags'] = tags.join(',')
  const args = goArgs(spec, tags, cgo)
  return {
    platform,
    os: info.os,
    architecture: info.architecture,
    variant: info.variant,
    elfMachine: info.elfMachine,
    env: buildEnv(spec, platform, cgo),
    goArgs: args,
    output: `${platform.replace(/\//g, '_')}/${spec.name}`,
    package: spec.main,
    strip: spec.strip ? stripPlan(info.triple, args) : null,
    upx: upxVerdict(spec, platform),
    verify: { elfMachine: info.elfMachine, settings, externalLink: cgo?.toolchain ?? null },
  }
}

function stripPlan(triple: string, args: readonly string[]): StripPlan {
  const ld = args[args.indexOf('-ldflags') + 1]?.split(' ') ?? []
  return {
    afterLinkerStrip: args.includes('-ldflags') && ld.includes('-s') && ld.includes('-w'),
    candidates: ['strip', 'llvm-strip', `${triple}-strip`],
    args: ['--strip-unneeded'],
    skipWarning:
      `no strip that reads this target's ELF was found (tried strip, llvm-strip, ${triple}-strip); ` +
      `skipped, -s -w already removed the symbol tables`,
  }
}

function warnings(spec: ServiceSpec, targets: readonly TargetPlan[], facts: ModuleFacts | null): string[] {
  const w: string[] = []
  const need = facts?.go
  if (spec.go !== undefined && need && compareGo(spec.go, need.version) < 0)
    w.push(
      `${hint('go', { version: spec.go })} is older than the Go ${need.version} that ${facts.file} ` +
        `line ${need.line} requires: ` +
        `go refuses to build the module with an older Go (a host Go older than ${need.version}, or an image builder ` +
        `of Go ${spec.go}). ` +
        `Drop ${hint('go')} to take the version from ${facts.file}, or raise it`,
    )
  if (spec.buildmode === 'pie')
    w.push(
      'buildmode pie with CGO_ENABLED=0 still links a dynamic loader (PT_INTERP) on linux, so the static check ' +
        'will refuse the binary; use the default exe build mode for static images',
    )
  const hostPaths = spec.files.length > 0 || (typeof spec.caCertificates === 'object' && spec.caCertificates !== null)
  if (spec.allowLinksOutsideSource && hostPaths)
    w.push(
      'allowLinksOutsideSource: copy() and caCertificates({ file }) follow symlinks out of the source folder, so ' +
        'the image can hold files from anywhere on the machine that builds; docker build cannot follow them, so the ' +
        'rendered Dockerfile fails where the engines copy',
    )
  for (const t of targets)
    if (t.upx.kind === 'refused') w.push(`upx skipped for ${t.platform} (${t.upx.rule} rule): ${t.upx.message}`)
  return w
}

/** One format or several, each once, in the order given; false: none. */
function sbomFormats(s: ServiceSpec['sbom']): SbomFormat[] {
  if (s === false) return []
  return [...new Set(typeof s === 'string' ? [s] : s)]
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v)
    Object.freeze(o)
  }
  return o
}
