// Turns the plan's runtime files into layer entries: text and dirs as given,
// the CA bundle from the source the plan names (Node's root store or a pinned
// PEM file), zoneinfo from Go's own zoneinfo.zip, extra files from the source folder.
import { readFile, readdir, readlink, stat } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { rootCertificates } from 'node:tls'
import { ErrorCode, GostaticError } from '../errors.js'
import type { CaSource, RuntimeFile, SourceLinks } from '../plan/build-plan.js'
import { confinedPath, type Confinement } from '../util/confined-path.js'
import type { LayerEntry } from '../oci/layer.js'
import { zipEntries } from '../util/zip-entries.js'

export interface MaterializeContext {
  readonly sourceDir: string
  /** The plan's word on symlinks out of the source folder (plan.source.links). */
  readonly links: SourceLinks
  /**
   * Where Go's lib/time/zoneinfo.zip is; asked only when the plan has
   * zoneinfo (the Dagger engine fetches it from its builder).
   */
  readonly zoneinfoZip: () => Promise<string>
}

type Handler<K extends RuntimeFile['kind']> = (
  f: Extract<RuntimeFile, { kind: K }>,
  ctx: MaterializeContext,
) => Promise<LayerEntry[]>

const handlers: { [K in RuntimeFile['kind']]: Handler<K> } = {
  text: async (f) => [
    { path: f.path, type: 'file', mode: f.mode, uid: f.uid, gid: f.gid, content: Buffer.from(f.content) },
  ],
  dir: async (f) => [{ path: f.path, type: 'dir', mode: f.mode, uid: f.uid, gid: f.gid }],
  'ca-bundle': async (f, ctx) => {
    const content = await (caSources[f.source.kind] as CaHandler<CaSource['kind']>)(f.source, ctx)
    return [{ path: f.path, type: 'file', mode: f.mode, content }]
  },
  zoneinfo: async (f, ctx) => zoneinfo(f.path, f.zones, await ctx.zoneinfoZip()),
  'host-file': async (f, ctx) => {
    const hint = 'copy() paths are relative to the service source folder'
    const real = await confinedPath(confinement(ctx), f.from, `copy('${f.from}')`, hint)
    return hostFiles(real, f.path, f.mode, f.from)
  },
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

type CaHandler<K extends CaSource['kind']> = (
  s: Extract<CaSource, { kind: K }>,
  ctx: MaterializeContext,
) => Promise<Buffer>

const caSources: { [K in CaSource['kind']]: CaHandler<K> } = {
  'node-root-store': async () => Buffer.from(caBundle()),
  file: async (s, ctx) => {
    const hint = 'the file is a PEM bundle, relative to the service source folder'
    return pinnedBundle(await confinedPath(confinement(ctx), s.from, 'caCertificates.file', hint), s.from)
  },
}

const confinement = (ctx: MaterializeContext): Confinement => ({
  root: ctx.sourceDir,
  followOutside: ctx.links === 'follow',
})

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
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `Go's time zone database ${zip} is missing`, {
      hint: 'reinstall Go, or use a Go distribution that ships lib/time/zoneinfo.zip',
    })
  }
  const want = zones === 'all' ? undefined : new Set(zones)
  const files = zipEntries(data, zip, (name) => want === undefined || want.has(name))
  if (want) {
    const unknown = [...want].filter((z) => !files.has(z))
    if (unknown.length)
      throw new GostaticError(
        ErrorCode.INVALID_SPEC,
        `timezones: ${unknown.map((z) => `'${z}'`).join(', ')} not in Go's tz database (${zip})`,
        { hint: "zone names look like 'Europe/Berlin' or 'America/New_York'" },
      )
  }
  return [...files].map(([name, bytes]) => ({
    path: posix.join(dir, name),
    type: 'file' as const,
    mode: 0o644,
    content: bytes,
  }))
}

/**
 * `src` is a real path (confinedPath resolved it). Inside a copied folder nothing is followed: a
 * symlink goes into the layer as a symlink with its target as written (what docker's COPY and
 * Dagger's directory copy do), so no file outside the folder is read through it; a socket, fifo
 * or device is refused, never skipped.
 */
async function hostFiles(src: string, to: string, mode: number | null, label: string): Promise<LayerEntry[]> {
  const st = await stat(src)
  if (st.isFile()) return [{ path: to, type: 'file', mode: mode ?? (st.mode & 0o111 ? 0o755 : 0o644), sourcePath: src }]
  const out: LayerEntry[] = [{ path: to, type: 'dir', mode: 0o755 }]
  const entries = (await readdir(src, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const e of entries) {
    const [from, at, name] = [join(src, e.name), posix.join(to, e.name), `${label}/${e.name}`]
    if (e.isDirectory() || e.isFile()) out.push(...(await hostFiles(from, at, mode, name)))
    else if (e.isSymbolicLink()) out.push({ path: at, type: 'symlink', mode: 0o777, linkTarget: await readlink(from) })
    else
      throw new GostaticError(ErrorCode.UNSUPPORTED, `copy('${label}'): ${name} is a socket, fifo or device file`, {
        hint: 'an image holds files, folders and symlinks; move it out of the copied folder',
      })
  }
  return out
}
