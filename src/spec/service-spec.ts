// The ServiceSpec schema: plain data a builder produces and `plan` consumes.
// Types come from z.infer only; cross-field rules live in superRefine.
import { z } from 'zod'
import { PLATFORM_NAMES } from './platform.js'
import { parseImageRef } from './image-ref.js'
import { upxPlatformRule } from './upx-platforms.js'
import { NeedsOptionsSchema } from './needs-options.js'
import { CGO_PLATFORMS, CgoOptionsSchema } from './cgo-options.js'

const goVersion = z
  .string()
  .regex(/^1\.(\d+)(\.\d+)?((rc|beta)\d+)?$/, {
    error: (iss) => `expected a Go version like '1.23' or '1.23.4', got '${String(iss.input)}'`,
  })
  .refine((v) => !/^1\.\d/.test(v) || Number(/^1\.(\d+)/.exec(v)![1]) >= 18, {
    error: 'Go 1.18 or newer is required (older toolchains embed no build info we can verify)',
  })

const platform = z.enum(PLATFORM_NAMES, {
  error: (iss) => `unknown platform '${String(iss.input)}'; allowed: ${PLATFORM_NAMES.join(', ')}`,
})

const numericUser = z.string().refine((u) => /^\d+(:\d+)?$/.test(u), {
  error: (iss) =>
    `'${String(iss.input)}' is not numeric; Kubernetes runAsNonRoot can only verify a numeric UID, use '65532:65532' (the nonroot user) or another 'uid:gid'`,
})

const runtimeBase = z.string().superRefine((v, ctx) => {
  if (v === 'scratch' || v === 'static') return
  const r = parseImageRef(v)
  if (!r.ok) ctx.addIssue({ code: 'custom', message: `'${v}' is not 'scratch', 'static' or a valid image reference: ${r.reason}` })
})

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names are letters, digits and _' })
const absPath = z.string().startsWith('/', { error: 'must be an absolute path in the image, starting with /' })

export const UpxOptionsSchema = z.strictObject({
  level: z.union([z.int().min(1).max(9), z.literal('best')]).default(9),
  lzma: z.boolean().default(false),
  /** Keep packing mandatory: a UPX "can't pack" fails the build instead of warning. */
  required: z.boolean().default(false),
  policy: z
    .strictObject({
      allowArm64: z.boolean().default(false),
      allowProduction: z.strictObject({ reason: z.string().min(1) }).optional(),
    })
    .default({ allowArm64: false }),
})

export const SecretSchema = z.strictObject({
  id: z.string().regex(/^[a-zA-Z0-9_.-]+$/, { error: 'secret ids are letters, digits, _ . -' }),
  /** Where gostatic reads the secret on the host. */
  from: z.union([z.strictObject({ env: envName }), z.strictObject({ file: z.string().min(1) })]),
  /** How the build sees it: an env var or a file (e.g. /root/.netrc). */
  as: z.union([z.strictObject({ env: envName }), z.strictObject({ file: absPath })]),
})

export const ExtraFileSchema = z.strictObject({
  /** Host path, relative to the service's source dir. */
  from: z.string().min(1),
  /** Absolute path in the image. */
  to: absPath,
  mode: z.int().min(0).max(0o7777).optional(),
})

// A file the build reads from the service's source folder: relative, and inside it.
const insideSource = (p: string) =>
  p !== '' && !p.startsWith('/') && !p.endsWith('/') && !/[\n\r\\]/.test(p) && !p.split('/').includes('..')
const sourceFile = z.string().refine(insideSource, {
  error: (iss) =>
    `'${String(iss.input)}' is not a file path inside the service source folder; give it relative to that folder, like 'certs/ca.pem'`,
})

/** true: Node's bundled Mozilla root store (the default on 'static'); { file }: a PEM bundle pinned in the source folder. */
export const CaCertificatesSchema = z.union([z.boolean(), z.strictObject({ file: sourceFile })], {
  error: "caCertificates is true, false or { file: 'certs/ca.pem' } (a PEM bundle in the source folder)",
})
export const SBOM_FORMATS = ['spdx', 'cyclonedx'] as const
export const SbomFormatSchema = z.enum(SBOM_FORMATS, { error: (iss) => `unknown SBOM format '${String(iss.input)}'; allowed: ${SBOM_FORMATS.join(', ')}, or false for none` })

const port = z.union([z.int().min(1).max(65535), z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, { error: "ports look like 8080 or '8080/tcp'" })])

const specObject = z
  .strictObject({
    name: z.string().min(1, { error: 'the service needs a name' }).max(63).regex(/^[a-z0-9][a-z0-9._-]*$/, {
      error: 'names are lowercase letters, digits, . _ - and start with a letter or digit (they become image and file names)',
    }),
    source: z.string().min(1, { error: 'source must name the folder holding go.mod' }),
    main: z.string().min(1).default('.'),
    go: goVersion.optional(),
    builderImage: z.string().optional(),
    platforms: z.array(platform).min(1, { error: 'give at least one platform' }).default(['linux/amd64']),
    tags: z.array(z.string().regex(/^[A-Za-z0-9_.]+$/, { error: 'build tags are letters, digits, _ and .' })).default([]),
    env: z.record(envName, z.string()).default({}),
    ldflags: z.strictObject({ X: z.record(z.string().min(1), z.string()).default({}), extra: z.array(z.string()).default([]) }).default({ X: {}, extra: [] }),
    mod: z.enum(['readonly', 'vendor', 'mod']).optional(),
    /** False when something else (a workspace build) already downloaded this module's dependencies. */
    downloadModules: z.boolean().default(true),
    buildmode: z.enum(['exe', 'pie']).default('exe'),
    goPrivate: z.array(z.string().min(1)).default([]),
    secrets: z.array(SecretSchema).default([]),
    strip: z.boolean().default(false),
    upx: UpxOptionsSchema.optional(),
    smoke: z.union([z.array(z.string()), z.literal(false)]).default(['--version']),
    signing: z.enum(['cosign', 'notation', 'gpg', 'other']).optional(),
    fips: z.boolean().default(false),
    environment: z.enum(['development', 'staging', 'production']).optional(),
    runtime: runtimeBase.default('static'),
    caCertificates: CaCertificatesSchema.optional(),
    timezones: z.union([z.literal('all'), z.array(z.string().regex(/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/, { error: "zones look like 'Europe/Berlin'" })).min(1)]).optional(),
    /** Unset: nonroot 65532 on scratch/static, the base image's own user on image bases. */
    user: numericUser.optional(),
    binaryPath: absPath.optional(),
    entrypoint: z.array(z.string()).min(1).optional(),
    args: z.array(z.string()).default([]),
    runtimeEnv: z.record(envName, z.string()).default({}),
    workdir: absPath.default('/'),
    ports: z.array(port).default([]),
    labels: z.record(z.string().min(1), z.string()).default({}),
    annotations: z.record(z.string().min(1), z.string()).default({}),
    files: z.array(ExtraFileSchema).default([]),
    include: z.array(z.string().min(1)).default([]),
    exclude: z.array(z.string().min(1)).default([]),
    needs: NeedsOptionsSchema.default({ strict: false, ignore: [] }),
    /** SBOM formats written for each platform image, or false for none. */
    sbom: z.union([z.literal(false), SbomFormatSchema, z.array(SbomFormatSchema).min(1, { error: 'give at least one SBOM format, or false for none' })]).default('spdx'),
    /** A static cgo build (CGO_ENABLED=1, a musl C toolchain, static external link); unset: cgo off. */
    cgo: CgoOptionsSchema.optional(),
  })

export const ServiceSpecSchema = specObject
  .superRefine((s, ctx) => {
    cgoRules(s, ctx)
    for (const k of ['GOOS', 'GOARCH', 'GOARM'] as const)
      if (s.env[k] !== undefined)
        ctx.addIssue({ code: 'custom', path: ['env', k], message: `${k} is set per target by .platforms(...); remove it from env` })
    if (s.env['GOFLAGS'] !== undefined)
      ctx.addIssue({ code: 'custom', path: ['env', 'GOFLAGS'], message: 'GOFLAGS is decided by the plan; use .mod(...), .tags(...) or .ldflags(...) instead' })
    // Mixed platforms are fine (each gets its own UPX verdict in the plan);
    // asking for UPX where no platform can be packed is a contradiction.
    if (s.upx !== undefined) {
      const why = s.platforms.map((p) => [p, upxPlatformRule(p, s.upx!.policy.allowArm64)] as const)
      if (why.every(([, w]) => w !== undefined))
        ctx.addIssue({ code: 'custom', path: ['upx'], message: `upx() cannot pack any target platform: ${why.map(([p, w]) => `${p}: ${w}`).join('; ')}` })
    }
    const dup = s.files.map((f) => f.to).find((t, i, a) => a.indexOf(t) !== i)
    if (dup) ctx.addIssue({ code: 'custom', path: ['files'], message: `two extra files are copied to ${dup}` })
  })

type SpecShape = z.output<typeof specObject>

function cgoRules(s: SpecShape, ctx: z.RefinementCtx): void {
  const cgo = s.env['CGO_ENABLED']
  if (cgo !== undefined && s.cgo !== undefined)
    ctx.addIssue({ code: 'custom', path: ['env', 'CGO_ENABLED'], message: 'CGO_ENABLED is set by the plan: .cgo() turns it on; remove it from env' })
  else if (cgo !== undefined && cgo !== '0')
    ctx.addIssue({ code: 'custom', path: ['env', 'CGO_ENABLED'], message: `CGO_ENABLED=${cgo} with the host's C compiler makes a dynamically linked binary. For a static cgo build use .cgo() (zig or musl-gcc); otherwise remove it (the plan sets CGO_ENABLED=0) and find the packages that need cgo with: go list -deps -f '{{if .CgoFiles}}{{.ImportPath}}{{end}}' ./...` })
  if (s.cgo === undefined) return
  for (const k of ['CC', 'CXX'] as const)
    if (s.env[k] !== undefined)
      ctx.addIssue({ code: 'custom', path: ['env', k], message: `${k} is set per platform by .cgo(); choose the toolchain with .cgo({ toolchain: 'zig' | 'musl-gcc' }) or the zig with .cgo({ zig: '/path/to/zig' })` })
  const unsupported = s.platforms.filter((p) => !(CGO_PLATFORMS as readonly string[]).includes(p))
  if (unsupported.length > 0)
    ctx.addIssue({ code: 'custom', path: ['platforms'], message: `.cgo() builds static binaries for ${CGO_PLATFORMS.join(' and ')}; ${unsupported.join(', ')} ${unsupported.length === 1 ? 'is' : 'are'} not supported with cgo` })
  if (s.cgo.toolchain === 'musl-gcc' && s.platforms.length > 1)
    ctx.addIssue({ code: 'custom', path: ['cgo', 'toolchain'], message: `musl-gcc compiles for the machine it runs on only, and ${s.platforms.join(', ')} are ${s.platforms.length} platforms; use .cgo({ toolchain: 'zig' }) to cross-compile` })
}

export type ServiceSpec = z.infer<typeof ServiceSpecSchema>
export type ServiceSpecInput = z.input<typeof ServiceSpecSchema>
export type UpxOptions = z.infer<typeof UpxOptionsSchema>
export type Secret = z.infer<typeof SecretSchema>
export type ExtraFile = z.infer<typeof ExtraFileSchema>
export type CaCertificates = z.infer<typeof CaCertificatesSchema>
export type SbomFormat = z.infer<typeof SbomFormatSchema>
