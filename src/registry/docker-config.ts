// Reads the credentials `docker login` leaves in config.json: inline `auths`
// entries (base64 user:password, or an identity token) and the credential
// helpers (`credHelpers` per registry, `credsStore` for the rest).
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { rememberSecret } from '../secret-mask.js'
import { DEFAULT_REGISTRY } from '../spec/image-ref.js'
import type { RegistryCredentials } from './registry-options.js'

// Unknown keys are docker's business (proxies, plugins...); the ones we read are checked.
const DockerAuthEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
})
const DockerConfigFileSchema = z.looseObject({
  auths: z.record(z.string(), DockerAuthEntrySchema).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
})
export type DockerAuthEntry = z.infer<typeof DockerAuthEntrySchema>
export type DockerConfigFile = z.infer<typeof DockerConfigFileSchema>

/** The key `docker login` uses for Docker Hub, in `auths` and for helpers. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/'
const HUB_NAMES = new Set([DEFAULT_REGISTRY, 'index.docker.io', 'registry-1.docker.io'])

export type CredentialSource =
  | { readonly kind: 'inline'; readonly credentials: RegistryCredentials; readonly key: string }
  | { readonly kind: 'helper'; readonly helper: string; readonly serverUrl: string }
  | { readonly kind: 'none' }

/** $DOCKER_CONFIG, else ~/.docker: the folder holding config.json. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker')
}

/** The parsed config.json in `dir`, or undefined when there is none. */
export async function readDockerConfig(dir: string): Promise<DockerConfigFile | undefined> {
  return readAuthFile(join(dir, 'config.json'), 'docker config', 'or point DOCKER_CONFIG at another folder')
}

/** A docker config.json or a containers auth.json (the same `auths`/`credHelpers` format); undefined when absent. */
export async function readAuthFile(
  path: string,
  what = 'auth file',
  elsewhere = '',
): Promise<DockerConfigFile | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `cannot read ${what} ${path}: ${(e as Error).message}`)
  }
  // The file holds passwords: its errors name the place (line, field), never a piece of the content.
  const hint = `fix or remove the file${elsewhere ? `, ${elsewhere}` : ''}`
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const message = `${what} ${path} is not valid JSON (its content is not quoted: it may hold credentials)`
    throw new GostaticError(ErrorCode.INVALID_CONFIG, message, { hint })
  }
  const r = DockerConfigFileSchema.safeParse(parsed)
  if (!r.success) {
    // zod's own words for these types ('expected object, received null') quote no value.
    const fields = r.error.issues.map((i) => `at ${fieldPath(i.path)}: ${i.message}`)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `${what} ${path}: ${fields.join('; ')}`, { hint })
  }
  return r.data
}

/** 'auths["ghcr.io"]' */
function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the top level'
  return path.map((p, i) => (i === 0 ? String(p) : `[${JSON.stringify(String(p))}]`)).join('')
}

/** Like docker's ConvertToHostname: 'https://host:5000/v1/' → 'host:5000'. */
export function configKeyHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').split('/')[0]!
  return HUB_NAMES.has(host) ? DEFAULT_REGISTRY : host
}

/**
 * Where the credentials for `registry` come from: a helper named in
 * credHelpers, else an inline auths entry, else credsStore. A config with
 * credsStore often keeps empty `{}` auths entries; those are skipped.
 */
export function credentialSource(
  cfg: DockerConfigFile | undefined,
  registry: string,
  file = 'config.json',
): CredentialSource {
  if (!cfg) return { kind: 'none' }
  const want = HUB_NAMES.has(registry) ? DEFAULT_REGISTRY : registry
  const serverUrl = want === DEFAULT_REGISTRY ? DOCKER_HUB_SERVER : registry
  const helper = Object.entries(cfg.credHelpers ?? {}).find(([k]) => configKeyHost(k) === want)?.[1]
  if (helper) return { kind: 'helper', helper, serverUrl }
  const auths = Object.entries(cfg.auths ?? {})
  const entry = auths.find(([k]) => k === registry) ?? auths.find(([k]) => configKeyHost(k) === want)
  if (entry) {
    const credentials = inlineCredentials(entry[1], `${file} auths["${entry[0]}"]`)
    if (credentials) return { kind: 'inline', credentials, key: entry[0] }
  }
  if (cfg.credsStore) return { kind: 'helper', helper: cfg.credsStore, serverUrl }
  return { kind: 'none' }
}

function inlineCredentials(e: DockerAuthEntry, where: string): RegistryCredentials | undefined {
  // Remembered, so that no error can quote them (secret-mask.ts).
  for (const v of [e.identitytoken, e.registrytoken, e.auth, e.password]) if (v) rememberSecret(v)
  if (e.identitytoken) return { identityToken: e.identitytoken }
  if (e.registrytoken) return { registryToken: e.registrytoken }
  if (e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const hint = 'run `docker login` again to rewrite it'
    if (colon <= 0)
      throw new GostaticError(ErrorCode.INVALID_CONFIG, `${where}: 'auth' is not base64 of user:password`, { hint })
    rememberSecret(decoded.slice(colon + 1))
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  if (e.username && e.password) return { username: e.username, password: e.password }
  return undefined
}
