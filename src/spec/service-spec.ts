// The ServiceSpec schema: plain data a builder produces and `plan` consumes.
// Types come from z.infer only; cross-field rules live in spec-rules.ts.
import { z } from 'zod'
import * as f from './fields.js'
import { specRules } from './spec-rules.js'
import { NeedsOptionsSchema } from './needs-options.js'
import { CgoOptionsSchema } from './cgo-options.js'
import { BinarySchema } from './binary-spec.js'

const { strict } = f
const MODE_RULE = 'mode is a permission number from 0 to 0o7777, e.g. 0o644'
const LEVEL_RULE = "upx level is a whole number from 1 to 9, or 'best'"
const NAME_RULE =
  'names are lowercase letters, digits, . _ - and start with a letter or digit (they become image and file names)'

export const UpxOptionsSchema = strict({
  level: z
    .union([z.int().min(1, { error: LEVEL_RULE }).max(9, { error: LEVEL_RULE }), z.literal('best')], {
      error: LEVEL_RULE,
    })
    .default(9),
  lzma: z.boolean().default(false),
  /** Keep packing mandatory: a UPX "can't pack" fails the build instead of warning. */
  required: z.boolean().default(false),
  policy: strict({
    allowArm64: z.boolean().default(false),
    allowProduction: strict({
      reason: z.string().min(1, { error: 'say why UPX is acceptable in production: a non-empty reason' }),
    }).optional(),
  }).default({ allowArm64: false }),
})

export const SecretSchema = strict({
  id: z.string().regex(/^[a-zA-Z0-9_.-]+$/, { error: 'secret ids are letters, digits, _ . -' }),
  /** Where gostatic reads the secret on the host. */
  from: z.union([strict({ env: f.envName }), strict({ file: z.string().min(1) })], {
    error: "a secret's from is { env: 'NAME' } or { file: 'host/path' }, exactly one of them",
  }),
  /** How the build sees it: an env var or a file (e.g. /root/.netrc). */
  as: z.union([strict({ env: f.envName }), strict({ file: f.absPath })], {
    error: "a secret's as is { env: 'NAME' } or { file: '/absolute/path' }, exactly one of them",
  }),
})

export const ExtraFileSchema = strict({
  /** Host path, relative to the service's source dir. */
  from: f.sourceRelativePath,
  /** Absolute path in the image. */
  to: f.absFilePath,
  mode: z.int({ error: MODE_RULE }).min(0, { error: MODE_RULE }).max(0o7777, { error: MODE_RULE }).optional(),
})

// A file the build reads from the service's source folder: relative, and inside it.
const insideSource = (p: string) =>
  p !== '' && !p.startsWith('/') && !p.endsWith('/') && !/[\n\r\\]/.test(p) && !p.split('/').includes('..')
const sourceFile = z.string().refine(insideSource, {
  error: (iss) =>
    `'${String(iss.input)}' is not a file path inside the service source folder; give it relative to that folder, ` +
    `like 'certs/ca.pem'`,
})

/**
 * true: Node's bundled Mozilla root store (the default on 'static'); { file }: a PEM bundle pinned in the source
 * folder.
 */
export const CaCertificatesSchema = z.union([z.boolean(), strict({ file: sourceFile })], {
  error: "caCertificates is true, false or { file: 'certs/ca.pem' } (a PEM bundle in the source folder)",
})
export const SBOM_FORMATS = ['spdx', 'cyclonedx'] as const
export const SbomFormatSchema = z.enum(SBOM_FORMATS, {
  error: (iss) => `unknown SBOM format '${String(iss.input)}'; allowed: ${SBOM_FORMATS.join(', ')}, or false for none`,
})

export const ServiceSpecSchema = strict({
  name: z
    .string({
      error: (iss) => `${iss.input === undefined ? 'the service needs a name' : 'the name is a string'}: ${NAME_RULE}`,
    })
    .min(1, { error: 'the service needs a name' })
    .max(63, { error: 'names are at most 63 characters (they become image and file names)' })
    .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: NAME_RULE }),
  source: z
    .string({ error: 'source must name the folder holding go.mod' })
    .min(1, { error: 'source must name the folder holding go.mod' }),
  main: f.mainPackage.default('.'),
  go: f.goVersion.optional(),
  builderImage: f.imageRef('builderImage').optional(),
  platforms: z.array(f.platform).min(1, { error: 'give at least one platform' }).default(['linux/amd64']),
  tags: z.array(z.string().regex(/^[A-Za-z0-9_.]+$/, { error: 'build tags are letters, digits, _ and .' })).default([]),
  env: f.envRecord().default({}),
  ldflags: strict({
    X: z
      .record(f.ldflagKey, z.string(), {
        error: (iss) => (iss.code === 'invalid_key' ? iss.issues?.[0]?.message : undefined),
      })
      .default({}),
    extra: z.array(f.nonEmpty('ldflags extra entries (linker flags like -extldflags=-static)')).default([]),
  }).default({ X: {}, extra: [] }),
  mod: z.enum(['readonly', 'vendor', 'mod']).optional(),
  /** False when something else (a workspace build) already downloaded this module's dependencies. */
  downloadModules: z.boolean().default(true),
  buildmode: z.enum(['exe', 'pie']).default('exe'),
  goPrivate: z.array(f.nonEmpty('goPrivate patterns')).default([]),
  secrets: z.array(SecretSchema).default([]),
  strip: z.boolean().default(false),
  upx: UpxOptionsSchema.optional(),
  smoke: f.smoke.default(['--version']),
  signing: z.enum(['cosign', 'notation', 'gpg', 'other']).optional(),
  fips: z.boolean().default(false),
  environment: z.enum(['development', 'staging', 'production']).optional(),
  runtime: f.runtimeBase.default('static'),
  caCertificates: CaCertificatesSchema.optional(),
  timezones: f.timezones.optional(),
  /** Unset: nonroot 65532 on scratch/static, the base image's own user on image bases. */
  user: f.numericUser.optional(),
  binaryPath: f.absFilePath.optional(),
  /** Further programs in the image (.binary()), each in its own layer; the entrypoint stays the main one. */
  binaries: z.array(BinarySchema).default([]),
  entrypoint: f.entrypoint.optional(),
  args: z.array(z.string()).default([]),
  runtimeEnv: f.envRecord().default({}),
  workdir: f.absPath.default('/'),
  ports: z.array(f.port).default([]),
  labels: f.metadataRecord('label').default({}),
  annotations: f.metadataRecord('annotation').default({}),
  files: z.array(ExtraFileSchema).default([]),
  /** True: copy() and caCertificates({ file }) may follow symlinks out of the source folder. */
  allowLinksOutsideSource: z.boolean().default(false),
  include: z.array(f.nonEmpty('include patterns')).default([]),
  exclude: z.array(f.nonEmpty('exclude patterns')).default([]),
  needs: NeedsOptionsSchema.default({ strict: false, ignore: [] }),
  /** SBOM formats written for each platform image, or false for none. */
  sbom: z
    .union(
      [
        z.literal(false),
        SbomFormatSchema,
        z.array(SbomFormatSchema).min(1, { error: 'give at least one SBOM format, or false for none' }),
      ],
      {
        error: `sbom is false, a format (${SBOM_FORMATS.join(', ')}) or a non-empty list of them`,
      },
    )
    .default('spdx'),
  /** A static cgo build (CGO_ENABLED=1, a musl C toolchain, static external link); unset: cgo off. */
  cgo: CgoOptionsSchema.optional(),
}).superRefine(specRules)

export type ServiceSpec = z.infer<typeof ServiceSpecSchema>
export type ServiceSpecInput = z.input<typeof ServiceSpecSchema>
export type UpxOptions = z.infer<typeof UpxOptionsSchema>
export type Secret = z.infer<typeof SecretSchema>
export type ExtraFile = z.infer<typeof ExtraFileSchema>
export type CaCertificates = z.infer<typeof CaCertificatesSchema>
export type SbomFormat = z.infer<typeof SbomFormatSchema>
