// Parses argv into a typed command. No I/O, no actions: main.ts runs them.
import { cac, type CAC } from 'cac'
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { CGO_TOOLCHAINS, PLATFORM_NAMES, SBOM_FORMATS } from '../index.js'
import { VERSION } from '../version.js'
import { count, list, pairs, sbomFormats, single, singleOrAlone } from './flag-schemas.js'
import { joinNegativeValues, rawFlagValues } from './raw-flags.js'
import { keyValues } from './key-value-flags.js'
import { addResolveCommands, filenameValues, joinStdinDash } from './resolve-flags.js'
import { nearest } from './nearest-flag.js'
import { EXIT_CODES_HELP } from './exit-codes.js'

const optString = (flag: string, takes: string) => single(flag, takes)

export const ServiceFlagsSchema = z.object({
  config: optString('--config', 'the path of a gostatic.config.ts'),
  service: list('--service', 'service names from the config'),
  name: optString('--name', "a service name like 'api'"),
  main: optString('--main', "the main package, like '.' or './cmd/api'"),
  binary: pairs('--binary', 'a further binary as main=path, like ./cmd/migrate=/usr/local/bin/migrate (repeatable)'),
  go: optString('--go', "a Go version like '1.23' or '1.23.4'"),
  platform: list('--platform', `platforms (${PLATFORM_NAMES.join(', ')})`),
  runtime: optString('--runtime', "'scratch', 'static' or an image reference like 'alpine:3.20'"),
  user: optString('--user', "a numeric 'uid:gid' like '65532:65532'"),
  tags: list('--tags', 'Go build tags'),
  strip: z.boolean().optional(),
  upx: z.boolean().optional(),
  timezones: optString('--timezones', "zone names like 'Europe/Berlin,UTC', or 'all'"),
  label: keyValues('--label'),
  annotation: keyValues('--annotation'),
  // --cgo alone is true; --cgo zig names the toolchain.
  cgo: z
    .union([z.literal(true), z.enum(CGO_TOOLCHAINS)], {
      error: `--cgo takes no value or one of ${CGO_TOOLCHAINS.join(', ')}`,
    })
    .optional(),
})
export type ServiceFlags = z.infer<typeof ServiceFlagsSchema>

export const BuildFlagsSchema = ServiceFlagsSchema.extend({
  // The same default as the API's build(): the daemonless local engine; 'auto' is opt-in.
  engine: z.enum(['local', 'dagger', 'auto'], { error: "--engine is 'local', 'dagger' or 'auto'" }).default('local'),
  out: optString('--out', 'the path of the OCI archive to write (a folder with several services)'),
  load: z.boolean().default(false),
  // --push alone is true: push to the default repository (GOSTATIC_REPO, the config's repo).
  push: singleOrAlone('--push', "a registry reference like '127.0.0.1:5000/team/hello:1.0'"),
  tag: list('--tag', "an image tag like 'v1.2', or 'git' for the short commit"),
  imageRefs: optString('--image-refs', 'the path of the file to write the pushed repo@sha256 references to'),
  all: z.boolean().default(false),
  concurrency: count('--concurrency', 1),
  registryConcurrency: count('--registry-concurrency', 1).refine((n) => n === undefined || n <= 64, {
    message: '--registry-concurrency takes a whole number from 1 to 64',
  }),
  json: z.boolean().default(false),
  reporter: z
    .enum(['auto', 'plain', 'json', 'silent'], { error: "--reporter is 'auto', 'plain', 'json' or 'silent'" })
    .optional(),
  sbom: sbomFormats('--sbom', SBOM_FORMATS).pipe(z.union([z.literal(false), z.array(z.enum(SBOM_FORMATS))]).optional()),
  signKey: optString('--sign-key', "a key file path or 'env://NAME' (cosign's syntax)"),
  attach: z.boolean().default(false),
  changedSince: optString('--changed-since', "a git ref like 'origin/main'"),
})
export type BuildFlags = z.infer<typeof BuildFlagsSchema>

export const ResolveFlagsSchema = ServiceFlagsSchema.omit({
  config: true,
  service: true,
  name: true,
  main: true,
}).extend({
  // Paths, not lists: a file name may hold a comma, and '-' is stdin.
  filename: z
    .union([z.string(), z.array(z.string())], { error: '-f takes a file, a folder or - (stdin)' })
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(
      z
        .array(z.string().min(1, { error: '-f is empty; give a file, a folder or -' }))
        .min(1, { error: 'give -f <file|folder|->' }),
    ),
  tag: BuildFlagsSchema.shape.tag,
  engine: BuildFlagsSchema.shape.engine,
  concurrency: BuildFlagsSchema.shape.concurrency,
  reporter: BuildFlagsSchema.shape.reporter,
  sbom: BuildFlagsSchema.shape.sbom,
  signKey: BuildFlagsSchema.shape.signKey,
})
export type ResolveFlags = z.infer<typeof ResolveFlagsSchema>

export const AffectedFlagsSchema = ServiceFlagsSchema.extend({
  since: optString('--since', "a git ref like 'origin/main'"),
  json: z.boolean().default(false),
})
export type AffectedFlags = z.infer<typeof AffectedFlagsSchema>

const platformName = z.enum(PLATFORM_NAMES, {
  error: (iss) => `unknown platform '${String(iss.input)}'; allowed: ${PLATFORM_NAMES.join(', ')}`,
})
export const DoctorFlagsSchema = z.object({
  main: optString('--main', "the main package, like '.' or './cmd/api'"),
  runtime: optString('--runtime', "'scratch', 'static' or an image reference like 'alpine:3.20'"),
  platform: single('--platform', `one platform (${PLATFORM_NAMES.join(', ')})`).pipe(platformName.optional()),
  tags: list('--tags', 'Go build tags'),
  json: z.boolean().default(false),
  strict: z.boolean().default(false),
})
export type DoctorFlags = z.infer<typeof DoctorFlagsSchema>

export const InspectFlagsSchema = z.object({
  platform: optString('--platform', `one platform of the image (${PLATFORM_NAMES.join(', ')})`),
  json: z.boolean().default(false),
  html: optString('--html', "the path of the HTML page to write, like 'report.html'"),
  strict: z.boolean().default(false),
})
export type InspectFlags = z.infer<typeof InspectFlagsSchema>

export const SbomFlagsSchema = z.object({
  format: z.enum(['spdx', 'cyclonedx'], { error: "--format is 'spdx' or 'cyclonedx'" }).default('spdx'),
  platform: optString('--platform', `one platform of the image (${PLATFORM_NAMES.join(', ')})`),
  out: optString('--out', 'the path of the SBOM file to write (a folder with several platforms)'),
})
export type SbomFlags = z.infer<typeof SbomFlagsSchema>

export type ParsedCommand =
  | { kind: 'plan'; dir: string; flags: ServiceFlags; json: boolean }
  | { kind: 'dockerfile'; dir: string; flags: ServiceFlags }
  | { kind: 'build'; dir: string; flags: BuildFlags }
  | { kind: 'affected'; dir: string; flags: AffectedFlags }
  | { kind: 'inspect'; target: string; flags: InspectFlags }
  | { kind: 'sbom'; target: string; flags: SbomFlags }
  | { kind: 'doctor'; dir: string; flags: DoctorFlags }
  | { kind: 'resolve'; flags: ResolveFlags }
  | { kind: 'apply'; flags: ResolveFlags }
  | { kind: 'init'; dir: string }
  | { kind: 'help'; text: string }
  | { kind: 'version' }

function serviceOptions(c: ReturnType<CAC['command']>) {
  return c
    .option('--config <file>', 'Config file (default: gostatic.config.ts in dir, if present)')
    .option('--service <name>', 'Only this service from the config (repeatable)')
    .option('--name <name>', 'Service name without a config (default: the folder name)')
    .option('--main <pkg>', "Main package, relative to the module (default '.')")
    .option(
      '--binary <main=path>',
      'A further binary in the image, its own layer, e.g. ./cmd/migrate=/usr/local/bin/migrate (repeatable; the ' +
        'entrypoint stays the main one)',
    )
    .option(
      '--go <version>',
      "Go version, e.g. '1.23' (default: go.mod's toolchain line, else its go line, else the host's)",
    )
    .option('--platform <os/arch>', 'Target platform, repeatable or comma-separated (default linux/amd64)')
    .option('--runtime <base>', "'scratch', 'static' (default) or an image reference")
    .option(
      '--user <uid:gid>',
      "Numeric user (default '65532:65532' on scratch and static; an image base keeps its " + 'own)',
    )
    .option('--tags <tags>', 'Go build tags to add, comma-separated')
    .option('--strip', 'Run strip --strip-unneeded after the build')
    .option('--upx', 'Pack with UPX where the UPX policy allows it')
    .option('--timezones <zones>', "Zones to ship, comma-separated, or 'all'")
    .option('--label <key=value>', 'Image config label, repeatable (wins over the config and the built-in OCI labels)')
    .option('--annotation <key=value>', 'Image manifest annotation, repeatable')
    .option(
      '--cgo [toolchain]',
      "Static cgo build: 'zig' or 'musl-gcc' (default zig, or musl-gcc when zig is absent and the target is this " +
        "machine's platform)",
    )
}

export function createCli(): CAC {
  const cli = cac('gostatic')
  serviceOptions(cli.command('plan [dir]', 'Print the build plan for the service(s) in dir')).option(
    '--json',
    'Print the plan as JSON (an array when there are several services)',
  )
  serviceOptions(cli.command('dockerfile [dir]', 'Print the equivalent multi-stage Dockerfile'))
  serviceOptions(cli.command('build [dir]', 'Build, verify and export the image(s)'))
    .option(
      '--engine <engine>',
      "'local' (default, as in the API), 'dagger', or 'auto' (dagger when an engine is " + 'configured)',
    )
    .option(
      '-o, --out <path>',
      'Output OCI archive (default gostatic-out/<name>.tar, not with --push or --load; several services: a folder)',
    )
    .option(
      '--push [ref]',
      'Publish: to this reference, e.g. 127.0.0.1:5000/team/hello:1.0 (several services: put {name} in it), ' +
        'or alone to <repo>/<service> (repo: $GOSTATIC_REPO, else repo in the config, else $KO_DOCKER_REPO)',
    )
    .option('--tag <tag>', "Tag to push, repeatable (default latest); 'git' is the source's short commit (12 digits)")
    .option('--image-refs <file>', 'Write each pushed image as repo@sha256:... to this file, one per line')
    .option('--load', 'Load the image into the Docker daemon (DOCKER_HOST) as gostatic.local/<name>:latest')
    .option('--all', 'Build every service the config declares (the default when --service is not given)')
    .option('--concurrency <n>', 'Services built at once (default: the CPU count)')
    .option('--registry-concurrency <n>', 'Blob uploads and downloads at once, across all services (default 4)')
    .option('--json', 'Print the build report as JSON')
    .option(
      '--reporter <kind>',
      "Progress on stderr: 'auto' (live on a terminal, else plain lines), 'plain', 'json' or 'silent' (default with " +
        '--json)',
    )
    .option(
      '--sbom <formats>',
      "SBOMs per platform: 'spdx' (default), 'cyclonedx', 'spdx,cyclonedx' or 'none'; " + '--push attaches them',
    )
    .option(
      '--sign-key <key>',
      'Sign the image, SBOMs and provenance with this key (a file or env://NAME; password from $COSIGN_PASSWORD); ' +
        '--push attaches them',
    )
    .option(
      '--attach',
      "Also put the signatures, attestations and SBOMs in the --out archive, under cosign's tag " + 'names',
    )
    .option('--changed-since <ref>', 'Only the services `gostatic affected --since <ref>` lists (none: says so)')
  serviceOptions(
    cli.command(
      'affected [dir]',
      'List the services whose inputs changed since a git ref (working tree included), each with the reason',
    ),
  )
    .option('--since <ref>', "Git ref to compare with, from its merge base with HEAD (default 'HEAD': uncommitted)")
    .option('--json', 'Print a JSON array of { name, path, reason } (a CI matrix can take it as is)')
  cli
    .command(
      'inspect <target>',
      'Report on an image archive, a binary, or a pushed image (registry://HOST/REPO:TAG): ' +
        'layers, ELF facts, Go build info, runtime needs, attachments',
    )
    .option('--platform <os/arch>', 'Only this platform of an image (of a pushed image, only its layers are fetched)')
    .option('--json', 'Print the report as JSON')
    .option(
      '--html <file>',
      'Also write the report as one self-contained HTML page: a treemap of the binary by Go module and package, ' +
        'layers, runtime needs, files by layer, modules',
    )
    .option('--strict', 'Exit 1 on a failing verdict: dynamic linkage, an unmet need, a cgo stub, a missing entrypoint')
  cli
    .command('sbom <target>', 'Write an SBOM for any Go binary or image archive (one per platform)')
    .option('--format <format>', "'spdx' (SPDX 2.3 JSON, default) or 'cyclonedx' (CycloneDX 1.6 JSON)")
    .option('--platform <os/arch>', 'Only this platform of an image')
    .option('--out <path>', 'Write to this file (several platforms: a folder) instead of stdout')
  cli
    .command(
      'doctor [dir]',
      'Audit a Go module for CGO_ENABLED=0: packages that need cgo, uses that change meaning (exit 1 on blockers)',
    )
    .option('--main <pkg>', "Main package, relative to the module (default '.')")
    .option('--runtime <base>', "The runtime it will run on: 'scratch', 'static' (default) or an image reference")
    .option('--platform <os/arch>', 'Target platform (default linux/amd64)')
    .option('--tags <tags>', 'Go build tags, comma-separated')
    .option('--json', 'Print the report as JSON')
    .option('--strict', 'Exit 1 on warnings too, not only on blockers')
  cli.command(
    'init [dir]',
    'Write a commented gostatic.config.ts for the Go module dir is in (one service per main package)',
  )
  addResolveCommands(cli)
  cli.help((sections) => [...sections, { title: 'Exit codes', body: EXIT_CODES_HELP }])
  cli.version(VERSION)
  return cli
}

/** argv without node and script, e.g. ['plan', 'examples/hello', '--json']. */
export function parseCLI(argv: readonly string[]): ParsedCommand {
  const cli = createCli()
  // cac prints help itself (console.info) while parsing; capture it so the
  // caller decides where it goes and tests can read it.
  let helpText = ''
  const origInfo = console.info
  console.info = (...a: unknown[]) => void (helpText += a.join(' ') + '\n')
  let parsed
  const args = joinNegativeValues(joinStdinDash(argv), [
    ...cli.globalCommand.options,
    ...cli.commands.flatMap((c) => c.options),
  ])
  try {
    parsed = cli.parse(['node', 'gostatic', ...args], { run: false })
    if (!cli.matchedCommand && argv.length === 0) cli.outputHelp()
  } catch (e) {
    throw new GostaticError(ErrorCode.USAGE, `${(e as Error).message}; see gostatic --help`)
  } finally {
    console.info = origInfo
  }
  const o = parsed.options
  if (helpText && !o['version']) return { kind: 'help', text: helpText }
  if (o['version']) return { kind: 'version' }
  const name = cli.matchedCommandName
  if (name === undefined) throw unknownCommand(cli, argv[0] ?? '')
  const cmd = cli.matchedCommand!
  try {
    cmd.checkUnknownOptions()
    cmd.checkRequiredArgs()
    cmd.checkOptionValue()
  } catch (e) {
    const unknown = /^Unknown option `(.+)`$/.exec((e as Error).message)?.[1]
    if (unknown !== undefined) throw unknownFlag(name, unknown, [...cli.globalCommand.options, ...cmd.options])
    throw new GostaticError(ErrorCode.USAGE, `${(e as Error).message}; see gostatic ${name} --help`)
  }
  for (const [k, v] of rawFlagValues(args, [...cli.globalCommand.options, ...cmd.options]))
    o[k] = v.length === 1 ? v[0] : v
  const extra = parsed.args.slice(cmd.args.length)
  if (extra.length > 0)
    throw new GostaticError(
      ErrorCode.USAGE,
      `gostatic ${cmd.rawName} takes ${cmd.args.length} argument${cmd.args.length === 1 ? '' : 's'}; ` +
        `${extra.map((a) => `'${a}'`).join(', ')} ${extra.length === 1 ? 'is' : 'are'} extra`,
      { hint: `see gostatic ${name} --help` },
    )
  if (parsed.args.some((a) => a.trim() === ''))
    throw new GostaticError(
      ErrorCode.USAGE,
      `gostatic ${name}: the ${cmd.args[0]?.value ?? 'argument'} argument is empty; give a path`,
    )
  const dir = parsed.args[0] ?? '.'
  switch (name) {
    case 'plan':
      return { kind: 'plan', dir, flags: flags(ServiceFlagsSchema, o), json: o['json'] === true }
    case 'dockerfile':
      return { kind: 'dockerfile', dir, flags: flags(ServiceFlagsSchema, o) }
    case 'build':
      return { kind: 'build', dir, flags: flags(BuildFlagsSchema, o) }
    case 'affected':
      return { kind: 'affected', dir, flags: flags(AffectedFlagsSchema, o) }
    case 'inspect':
      return { kind: 'inspect', target: parsed.args[0]!, flags: flags(InspectFlagsSchema, o) }
    case 'sbom':
      return { kind: 'sbom', target: parsed.args[0]!, flags: flags(SbomFlagsSchema, o) }
    case 'doctor':
      return { kind: 'doctor', dir, flags: flags(DoctorFlagsSchema, o) }
    case 'init':
      return { kind: 'init', dir }
    case 'resolve':
    case 'apply':
      return { kind: name, flags: flags(ResolveFlagsSchema, { ...o, filename: filenameValues(args) }) }
    default:
      throw new GostaticError(ErrorCode.USAGE, `unknown command '${name}'`)
  }
}

function unknownCommand(cli: CAC, typed: string): GostaticError {
  const names = cli.commands.map((c) => c.name).filter(Boolean)
  const near = nearest(typed, names)
  const guess = near === undefined ? '' : ` (did you mean '${near}'?)`
  return new GostaticError(
    ErrorCode.USAGE,
    `unknown command '${typed}'${guess}; commands: ${names.join(', ')} (see gostatic --help)`,
  )
}

function unknownFlag(command: string, typed: string, options: readonly { rawName: string }[]): GostaticError {
  const flag = typed.replace(/=.*$/, '')
  const longs = options.flatMap((o) =>
    o.rawName
      .replace(/[<[].*$/, '')
      .split(',')
      .map((s) => s.trim()),
  )
  const near = nearest(
    flag,
    longs.filter((l) => l.startsWith('--')),
  )
  return new GostaticError(
    ErrorCode.USAGE,
    `gostatic ${command}: unknown flag ${flag}${near === undefined ? '' : `; did you mean ${near}?`}`,
    { hint: `see gostatic ${command} --help` },
  )
}

function flags<S extends z.ZodType>(schema: S, o: Record<string, unknown>): z.infer<S> {
  const r = schema.safeParse(o)
  if (!r.success) throw new GostaticError(ErrorCode.USAGE, `bad flags:\n${z.prettifyError(r.error)}`)
  return r.data
}
