// Field schemas of the ServiceSpec. Every message names what is allowed, so a
// user who gets one wrong learns the rule from the error alone.
import { z } from 'zod'
import { PLATFORM_NAMES, type Platform } from './platform.js'
import { parseImageRef } from './image-ref.js'
import { strict } from './strict.js'

export { strict }

export const goVersion = z
  .string()
  .regex(/^1\.(\d+)(\.\d+)?((rc|beta)\d+)?$/, {
    error: (iss) => `expected a Go version like '1.23' or '1.23.4', got '${String(iss.input)}'`,
  })
  .refine((v) => !/^1\.\d/.test(v) || Number(/^1\.(\d+)/.exec(v)![1]) >= 18, {
    error: 'Go 1.18 or newer is required (older toolchains embed no build info we can verify)',
  })

export const platform = z.enum(PLATFORM_NAMES, {
  error: (iss) => `unknown platform '${String(iss.input)}'; allowed: ${PLATFORM_NAMES.join(', ')} or 'all'`,
})

/**
 * A list of platforms, or 'all' (['all'] as .platforms('all') and --platform all give it): every platform of an
 * image base, or the documented set for static and scratch; the plan expands it (plan/all-platforms.ts).
 */
const platformOrAll = z.enum([...PLATFORM_NAMES, 'all'], {
  error: (iss) => `unknown platform '${String(iss.input)}'; allowed: ${PLATFORM_NAMES.join(', ')} or 'all'`,
})
export const platforms = z.preprocess(
  (v) => (v === 'all' ? ['all'] : v),
  z
    .array(platformOrAll)
    .min(1, { error: 'give at least one platform' })
    .refine((xs) => !xs.includes('all') || xs.length === 1, {
      error: "'all' stands alone: give it as the only platform",
    })
    .transform((xs): 'all' | Platform[] => (xs.includes('all') ? 'all' : (xs as Platform[]))),
)

// (uid_t)-1 means "no change" to setuid(2); a real id is below it.
const MAX_ID = 2 ** 32 - 2
export const numericUser = z.string().superRefine((u, ctx) => {
  if (!/^\d+(:\d+)?$/.test(u))
    return ctx.addIssue({
      code: 'custom',
      message:
        `'${u}' is not numeric; Kubernetes runAsNonRoot can only verify a numeric UID, use '65532:65532' ` +
        `(the nonroot user) or another 'uid:gid'`,
    })
  if (u.split(':').some((n) => Number(n) > MAX_ID))
    ctx.addIssue({
      code: 'custom',
      message: `'${u}' is out of range: a uid or gid is a whole number from 0 to ${MAX_ID}`,
    })
})

/** Any image reference, for fields that name one (builderImage). */
export function imageRef(field: string) {
  return z.string().superRefine((v, ctx) => {
    const r = parseImageRef(v)
    const like = "like 'golang:1.23-alpine' or 'registry:5000/team/go:1.23'"
    if (!r.ok)
      ctx.addIssue({
        code: 'custom',
        message: `${field} '${v}' is not a valid image reference (${like}): ${r.reason}`,
      })
  })
}

export const runtimeBase = z.string().superRefine((v, ctx) => {
  if (v === 'scratch' || v === 'static') return
  const r = parseImageRef(v)
  if (!r.ok)
    ctx.addIssue({
      code: 'custom',
      message: `'${v}' is not 'scratch', 'static' or a valid image reference: ${r.reason}`,
    })
})

export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names are letters, digits and _' })

/** A record keyed by environment variable names; the key error says which key and what is allowed. */
export function envRecord() {
  return z.record(envName, z.string(), {
    error: (iss) =>
      iss.code === 'invalid_key'
        ? `'${String(iss.input)}' is not an environment variable name: use letters, digits and _, not starting with ` +
          `a digit`
        : undefined,
  })
}

/** Labels and annotations: any non-empty key, string values. */
export function metadataRecord(what: string) {
  return z.record(z.string().min(1), z.string(), {
    error: (iss) =>
      iss.code === 'invalid_key'
        ? `${what} keys are non-empty strings, like 'org.opencontainers.image.source'`
        : undefined,
  })
}

const PATH_RULE = "must be an absolute path in the image, starting with / and without '.' or '..' parts"

/** An absolute path in the image: no '.' or '..' parts, which the layer writer refuses. */
export const absPath = z.string().superRefine((p, ctx) => {
  if (!p.startsWith('/') || p.split('/').some((s) => s === '.' || s === '..'))
    ctx.addIssue({ code: 'custom', message: `'${p}' ${PATH_RULE}` })
})

/** An absolute path in the image that names a file: not '/' and not a folder ending in '/'. */
export const absFilePath = absPath.superRefine((p, ctx) => {
  if (p.endsWith('/'))
    ctx.addIssue({
      code: 'custom',
      message: `'${p}' names a folder; give the file's path, like '/usr/local/bin/app'`,
    })
})

/** Whether a relative path climbs out of its folder ('../x', 'a/../../x'). */
function escapes(relative: string): boolean {
  let depth = 0
  for (const part of relative.split('/')) {
    if (part === '..') depth--
    else if (part !== '' && part !== '.') depth++
    if (depth < 0) return true
  }
  return false
}

/** A host path inside the service's source folder: what a Dockerfile COPY can reach from its context. */
export const sourceRelativePath = z.string().superRefine((p, ctx) => {
  const rule = "copy() sources are paths inside the service's source folder, like 'static' or 'config/app.yaml'"
  if (p === '') return ctx.addIssue({ code: 'custom', message: `${rule}; got an empty path` })
  if (p.startsWith('/')) return ctx.addIssue({ code: 'custom', message: `${rule}; '${p}' is absolute` })
  if (escapes(p)) ctx.addIssue({ code: 'custom', message: `${rule}; '${p}' is outside it` })
})

/** The main package: '.', './cmd/api' or an import path; inside the module, so never absolute or '../x'. */
export const mainPackage = z.string().superRefine((m, ctx) => {
  const rule = "main is the main package relative to source, like '.' or './cmd/api'"
  if (m === '') return ctx.addIssue({ code: 'custom', message: `${rule}; got an empty string` })
  if (m.startsWith('/'))
    return ctx.addIssue({
      code: 'custom',
      message: `${rule}; '${m}' is absolute (point source at the module instead)`,
    })
  if (escapes(m)) ctx.addIssue({ code: 'custom', message: `${rule}; '${m}' is outside the module in source` })
})

// cmd/link reads -X importpath.name=value and splits at the first '=': a key
// with '=' or a space would set another symbol, or none, without a word.
export const ldflagKey = z.string().regex(/^[^\s='"]*[^\s='".]\.[\p{L}_][\p{L}\p{N}_]*$/u, {
  error: (iss) =>
    `-X key '${String(iss.input)}' is not importpath.name; use a name like 'main.version' or ` +
    `'example.com/app/build.Commit' (no spaces, quotes or '=')`,
})

const PORT_RULE = "ports are 1 to 65535, written 8080 or '8080/tcp' (tcp, udp or sctp)"
export const port = z.union([z.number(), z.string()], { error: PORT_RULE }).superRefine((p, ctx) => {
  const m = typeof p === 'number' ? null : /^(\d{1,5})(\/(tcp|udp|sctp))?$/.exec(p)
  const n = typeof p === 'number' ? p : m ? Number(m[1]) : NaN
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    ctx.addIssue({ code: 'custom', message: `${PORT_RULE}; got ${JSON.stringify(p)}` })
})

const TZ_RULE = "timezones is 'all' or a non-empty list of zone names like ['Europe/Berlin']"
export const timezones = z.union(
  [
    z.literal('all'),
    z
      .array(
        z.string().regex(/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/, { error: 'zones look like ' + "'Europe/Berlin'" }),
      )
      .min(1, { error: TZ_RULE }),
  ],
  { error: TZ_RULE },
)

export const smoke = z.union([z.array(z.string()), z.literal(false)], {
  error: "smoke is a list of arguments for the smoke run (default ['--version']), or false to skip it",
})

export const entrypoint = z
  .array(z.string())
  .min(1, { error: "entrypoint needs the program to run, e.g. entrypoint('/usr/local/bin/app', '--serve')" })
  .refine((a) => a[0] !== '', {
    error: 'the entrypoint program (its first argument) is an empty string; name the program to run',
  })

/** Non-empty strings, for patterns and names given as lists. */
export function nonEmpty(what: string) {
  return z.string().min(1, { error: `${what} must not be empty` })
}
