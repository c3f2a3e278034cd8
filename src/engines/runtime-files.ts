// Turns the plan's runtime files into layer entries: text and dirs as given,
// the CA bundle from the source the plan names (Node's root store or a pinned
// PEM file), zoneinfo from Go's own zoneinfo.zip, extra files from the source folder.
import { readFile, readdir, stat } from 'node:fs/promises'
import { join, resolve, posix } from 'node:path'
import { rootCertificates } from 'node:tls'
import { ErrorCode, GostaticError } from '../errors.js'
import type { CaSource, RuntimeFile } from '../plan/build-plan.js'
import type { LayerEntry } from '../oci/layer.js'
import { zipEntries } from '../util/zip-entries.js'

export interface MaterializeContext {
  readonly sourceDir: string
  /**
   * Where Go's lib/time/zoneinfo.zip is; asked only when the plan has
   * zoneinfo (the Dagger engine fetches it from its builder).
   */
  readonly zoneinfoZip: () => Promise<string>
}

type Handler<K extends RuntimeFile['kind']> = (f: Extract<RuntimeFile, { kind: K }>, ctx: MaterializeContext) => Promise<LayerEntry[]>

const handlers: { [K in RuntimeFile['kind']]: Handler<K> } = {
  text: async (f) => [{ path: f.path, type: 'file', mode: f.mode, uid: f.uid, gid: f.gid, content: Buffer.from(f.content) }],
  dir: async (f) => [{ path: f.path, type: 'dir', mode: f.mode, uid: f.uid, gid: f.gid }],
  'ca-bundle': async (f, ctx) => {
    const content = await (caSources[f.source.kind] as CaHandler<CaSource['kind']>)(f.source, ctx)
    return [{ path: f.path, type: 'file', mode: f.mode, content }]
  },
  zoneinfo: async (f, ctx) => zoneinfo(f.path, f.zones, await ctx.zoneinfoZip()),
  'host-file': async (f, ctx) => hostFiles(resolve(ctx.sourceDir, f.from), f.path, f.mode, f.from),
}

export async function materialize(files: readonly RuntimeFile[], ctx: MaterializeContext): Promise<LayerEntry[]> {
  const out: LayerEntry[] = []
  for (const f of files) out.push(...(await (handlers[f.kind] as Handler<RuntimeFile['kind']>)(f, ctx)))
  return out
}

/** Node's bundled Mozilla root store, in PEM: the same trust a browser ships. */
export function caBundle(): string {
  return rootCertificates.join('\n') + '\n'
}

type CaHandler<K extends CaSource['kind']> = (s: Extract<CaSource, { kind: K }>, ctx: MaterializeContext) => Promise<Buffer>

const caSources: { [K in CaSource['kind']]: CaHandler<K> } = {
  'node-root-store': async () => Buffer.from(caBundle()),
  file: async (s, ctx) => pinnedBundle(resolve(ctx.sourceDir, s.from), s.from),
}

/** The pinned bundle's bytes, unchanged, once they are known to hold a PEM certificate. */
async function pinnedBundle(path: string, label: string): Promise<Buffer> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a folder' : 'does not exist'
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `caCertificates.file: '${label}' ${why} (looked at ${path})`, {
      hint: 'the file is a PEM bundle, relative to the service source folder',
    })
  }
  if (!bytes.includes('-----BEGIN CERTIFICATE-----'))
    throw new GostaticError(
      ErrorCode.INVALID_SPEC,
      `caCertificates.file: '${label}' holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)`,
      { hint: 'convert a DER certificate with: openssl x509 -inform der -in ca.der -out ca.pem' },
    )
  return bytes
}

async function zoneinfo(dir: string, zones: 'all' | readonly string[], zip: string): Promise<LayerEntry[]> {
  let data: Uint8Array
  try {
    data = await readFile(zip)
  } catch {
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `Go's time zone database ${zip} is missing`, { hint: 'reinstall Go, or use a Go distribution that ships lib/time/zoneinfo.zip' })
  }
  const want = zones === 'all' ? undefined : new Set(zones)
  const files = zipEntries(data, zip, (name) => want === undefined || want.has(name))
  if (want) {
    const unknown = [...want].filter((z) => !files.has(z))
    if (unknown.length)
      throw new GostaticError(ErrorCode.INVALID_SPEC, `timezones: ${unknown.map((z) => `'${z}'`).join(', ')} not in Go's tz database (${zip})`, { hint: "zone names look like 'Europe/Berlin' or 'America/New_York'" })
  }
  return [...files].map(([name, bytes]) => ({ path: posix.join(dir, name), type: 'file' as const, mode: 0o644, content: bytes }))
}

async function hostFiles(src: string, to: string, mode: number | null, label: string): Promise<LayerEntry[]> {
  let st
  try {
    st = await stat(src)
  } catch {
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `files: '${label}' does not exist (looked at ${src})`, { hint: 'copy() paths are relative to the service source folder' })
  }
  if (st.isFile()) return [{ path: to, type: 'file', mode: mode ?? (st.mode & 0o111 ? 0o755 : 0o644), sourcePath: src }]
  const out: LayerEntry[] = [{ path: to, type: 'dir', mode: 0o755 }]
  for (const e of await readdir(src, { withFileTypes: true })) {
    if (e.isDirectory() || e.isFile()) out.push(...(await hostFiles(join(src, e.name), posix.join(to, e.name), mode, `${label}/${e.name}`)))
  }
  return out
}
