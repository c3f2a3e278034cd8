// The shapes of index.json, image indexes, manifests and image configs that
// gostatic relies on, checked before any field is used: a pulled image or an
// archive is input from elsewhere, and a wrong shape must be OCI_MALFORMED
// naming the document and the field, not a TypeError deep in a reader.
// Unknown fields pass through untouched (the config is rewritten on a base).
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'

// Docker writes null for an unset list or map ("Entrypoint": null); that means absent.
const absentIfNull = <T extends z.ZodType>(t: T) => z.preprocess((v) => (v === null ? undefined : v), t.optional())

const platform = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
})

export const descriptorSchema = z.looseObject({
  mediaType: z.string().optional(),
  digest: z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'is not a digest (algorithm:hex)'),
  size: z.number().int().nonnegative(),
  platform: platform.optional(),
  annotations: absentIfNull(z.record(z.string(), z.string())),
})

/** An image index or an image manifest: which one is decided by media type or shape (docKind), after this check. */
export const manifestDocSchema = z.looseObject({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema).optional(),
  config: descriptorSchema.optional(),
  layers: z.array(descriptorSchema).optional(),
  annotations: absentIfNull(z.record(z.string(), z.string())),
})

/** An OCI layout's index.json: an index whose manifests must be there. */
export const layoutIndexSchema = manifestDocSchema.extend({ manifests: z.array(descriptorSchema) })

export const imageConfigSchema = z.looseObject({
  Entrypoint: absentIfNull(z.array(z.string())),
  Cmd: absentIfNull(z.array(z.string())),
  Env: absentIfNull(z.array(z.string())),
  User: z.string().optional(),
  WorkingDir: z.string().optional(),
  ExposedPorts: absentIfNull(z.record(z.string(), z.object({}).loose())),
  Labels: absentIfNull(z.record(z.string(), z.string())),
})

export const configFileSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: absentIfNull(imageConfigSchema),
  rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(z.string()) }),
  history: absentIfNull(
    z.array(
      z.looseObject({
        created: z.string().optional(),
        created_by: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    ),
  ),
})

/** docker save's manifest.json: one entry per image. */
export const dockerSaveSchema = z.array(
  z.looseObject({
    Config: z.string(),
    RepoTags: absentIfNull(z.array(z.string())),
    Layers: z.array(z.string()),
  }),
)

export type ManifestDocument = z.infer<typeof manifestDocSchema>
export type ConfigFile = z.infer<typeof configFileSchema>

/** `value` as the schema's type, or OCI_MALFORMED naming where, what, the first bad field and why. */
export function checkShape<T extends z.ZodType>(schema: T, value: unknown, where: string, what: string): z.infer<T> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const first = r.error.issues[0]!
  const field = first.path.length > 0 ? first.path.join('.') : '(the document)'
  const why = `${where}: ${what} does not have the shape OCI requires: ${field}: ${first.message}`
  throw new GostaticError(ErrorCode.OCI_MALFORMED, why)
}
