// inspect(): what an image or a binary really is, read from its bytes rather
// than from what a build asked for, so an image made by any tool (our engines,
// skopeo, docker save) can be checked the same way. It reports and does not
// judge: verdicts are data, and an entrypoint that is missing or not an ELF
// is a verdict rather than an error.
import { open, readFile, stat } from 'node:fs/promises'
import { posix } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { readElf } from './elf-reader.js'
import { readGoBuildInfo } from './go-buildinfo.js'
import type { GoBuildInfo } from './go-buildinfo.js'
import { openImageTree, readOciArchive } from '../oci/oci-reader.js'
import type { ImageTree, OciArchive, OciArchiveImage } from '../oci/oci-reader.js'
import type { OciPlatform } from '../oci/oci-types.js'
import { platformName } from '../oci/platform-name.js'
import { binaryNeeds, checkedNeeds, derivedNeeds } from './inspect-needs.js'
import { attributeBytes } from './binary-bytes.js'
import { furtherBinaries } from './further-binaries.js'
import { REGISTRY_SCHEME } from './target-kind.js'
import type { BinaryNeeds } from './inspect-needs.js'

export type * from './inspect-report.js'
import type {
  BinaryFacts,
  ElfFacts,
  ImageConfigReport,
  ImageReport,
  ImageVerdicts,
  InspectOptions,
  InspectReport,
  PlatformReport,
  Verdicts,
} from './inspect-report.js'

/** Reports on an OCI / docker-save image archive or an ELF binary. */
export async function inspect(target: string, opts: InspectOptions = {}): Promise<InspectReport> {
  const kind = await sniff(target)
  if (kind === 'image') return inspectImage(target, opts)
  const bytes = await readInput(target, () => readFile(target))
  const { facts: binary, needs } = namingFile(target, () => binaryFacts(target, bytes))
  return { kind: 'binary', path: target, binary, verdicts: verdictsOf(binary), needs: derivedNeeds(needs) }
}

async function sniff(path: string): Promise<'image' | 'binary'> {
  const st = await readInput(path, () => stat(path))
  if (!st.isFile()) throw unrecognised(path, st.isDirectory() ? 'it is a directory' : 'it is not a regular file')
  const head = await readInput(path, async () => {
    const fh = await open(path, 'r')
    try {
      const buf = Buffer.alloc(512)
      return buf.subarray(0, (await fh.read(buf, 0, 512, 0)).bytesRead)
    } finally {
      await fh.close()
    }
  })
  if (isElf(head)) return 'binary'
  // docker save | gzip is common; readOciArchive unpacks it.
  if (head[0] === 0x1f && head[1] === 0x8b) return 'image'
  if (isTarHeader(head)) return 'image'
  throw unrecognised(path, head.length === 0 ? 'it is empty' : 'it is neither a tar archive nor an ELF file')
}

async function readInput<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const why = e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'no such file' : e.message
    const hint =
      `pass the path of an image archive (.tar) or of a binary, or ${REGISTRY_SCHEME}HOST/REPO:TAG for a ` +
      `pushed image`
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `cannot inspect ${path}: ${why}`, { hint, cause: err })
  }
}

function unrecognised(path: string, why: string): GostaticError {
  return new GostaticError(
    ErrorCode.UNSUPPORTED,
    `cannot inspect ${path}: ${why}; expected an OCI or docker image archive (.tar) or an ELF binary`,
    {
      hint: 'export an image with `gostatic build`, `skopeo copy ... oci-archive:FILE` or `docker save -o FILE`',
    },
  )
}

// The header checksum rather than the "ustar" magic, so pre-POSIX tars count too.
function isTarHeader(h: Buffer): boolean {
  if (h.length < 512) return false
  const field = h
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim()
  if (!/^[0-7]+$/.test(field)) return false
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!
  return sum === parseInt(field, 8)
}

async function inspectImage(path: string, opts: InspectOptions): Promise<ImageReport> {
  const archive = await readOciArchive(path)
  return { ...(await inspectArchive(archive, opts.platform, opts)), format: archive.format, referrers: null }
}

type ArchiveReport = Omit<ImageReport, 'format' | 'referrers'>

/** The report of an opened archive (a file, or a pushed image read into memory); the caller says what it came from. */
export async function inspectArchive(
  archive: OciArchive,
  platform: string | undefined,
  opts: Pick<InspectOptions, 'files'> = {},
): Promise<ArchiveReport> {
  const platforms: PlatformReport[] = []
  for (const img of selectImages(archive, platform)) {
    platforms.push(await platformReport(archive, img, opts.files === true))
  }
  const { path, indexDigest: digest, attachments } = archive
  return { kind: 'image', path, digest, refName: archive.refName ?? null, platforms, attachments }
}

/** Whether `want` ('linux/arm64', variant optional) names `p`. */
export function selectsPlatform(want: string, p: OciPlatform): boolean {
  const [os, architecture, variant] = want.split('/')
  return p.os === os && p.architecture === architecture && (!variant || p.variant === variant)
}

function selectImages(archive: OciArchive, want: string | undefined): OciArchiveImage[] {
  if (want === undefined) return archive.images
  const hits = archive.images.filter((i) => selectsPlatform(want, i.platform))
  if (hits.length > 0) return hits
  const have = archive.images.map((i) => platformName(i.platform)).join(', ')
  throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${archive.path} has no image for ${want}; it has ${have}`)
}

async function platformReport(archive: OciArchive, img: OciArchiveImage, files: boolean): Promise<PlatformReport> {
  const c = img.config.config ?? {}
  const config: ImageConfigReport = {
    entrypoint: strings(c.Entrypoint),
    cmd: strings(c.Cmd),
    user: typeof c.User === 'string' && c.User !== '' ? c.User : null,
    env: strings(c.Env),
    workdir: typeof c.WorkingDir === 'string' && c.WorkingDir !== '' ? c.WorkingDir : null,
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
    labels: { ...(c.Labels ?? {}) },
  }
  // Docker's history marks metadata-only steps empty_layer; the rest pair up with layers.
  const history = (img.config.history ?? []).filter((h) => !h.empty_layer)
  const layers = img.layers.map((l, i) => ({
    digest: l.digest,
    mediaType: l.mediaType,
    size: l.size,
    createdBy: history[i]?.created_by ?? null,
  }))
  const tree = await openImageTree(archive, img.platform)
  const { binary, entrypoint, needs } = await entrypointBinary(tree, config)
  const binaries = await furtherBinaries(tree, img.annotations, (p, b) => binaryFacts(p, b).facts)
  const recorded = Object.fromEntries(Object.entries(img.annotations).filter(([k]) => k.startsWith('dev.gostatic.')))
  return {
    platform: platformName(img.platform),
    manifestDigest: img.manifestDigest ?? null,
    configDigest: img.configDigest,
    layers,
    totalSize: layers.reduce((n, l) => n + l.size, 0),
    config,
    annotations: { ...img.annotations },
    binary,
    binaries,
    verdicts: { entrypoint, ...verdictsOf(binary), recorded },
    needs: await checkedNeeds(needs, () => tree.files(), config),
    ...(files ? { files: tree.listing() } : {}),
  }
}

type Found = { binary: BinaryFacts | null; entrypoint: ImageVerdicts['entrypoint']; needs: BinaryNeeds | null }

// As runc does: Entrypoint[0] (else Cmd[0]); a bare name is looked up on the
// image's PATH, a relative path is taken from the working directory.
async function entrypointBinary(tree: ImageTree, config: ImageConfigReport): Promise<Found> {
  const argv0 = config.entrypoint[0] ?? config.cmd[0]
  if (argv0 === undefined || argv0 === '')
    return { binary: null, entrypoint: 'missing: the image config sets no Entrypoint or Cmd', needs: null }
  const dirs = argv0.includes('/') ? [] : searchPath(config.env)
  const candidates = argv0.includes('/')
    ? [posix.resolve('/', config.workdir ?? '/', argv0)]
    : dirs.map((d) => posix.join(d, argv0))
  let file = ''
  try {
    for (file of candidates) {
      const bytes = await tree.read(file)
      if (bytes === null) continue
      if (!isElf(bytes)) {
        const shebang =
          bytes[0] === 0x23 && bytes[1] === 0x21
            ? ` is a script (${Buffer.from(bytes.subarray(0, 80)).toString('utf8').split('\n')[0]})`
            : ''
        return { binary: null, entrypoint: `not an ELF binary: ${file}${shebang}`, needs: null }
      }
      const { facts, needs } = binaryFacts(file, bytes)
      return { binary: facts, entrypoint: 'ok', needs }
    }
  } catch (err) {
    if (!isGostaticError(err)) throw err
    return { binary: null, entrypoint: `unreadable: ${file}: ${err.message}`, needs: null }
  }
  const where =
    dirs.length > 0
      ? `${argv0} is not on the image's PATH (${dirs.join(':')})`
      : `${candidates[0]} is not a file in the image`
  return { binary: null, entrypoint: `missing: ${where}`, needs: null }
}

// What docker and runc use when the image sets no PATH.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

function searchPath(env: string[]): string[] {
  const path = env.findLast((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH
  return path.split(':').filter((d) => d.startsWith('/'))
}

function isElf(b: Uint8Array): boolean {
  return b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46
}

function binaryFacts(path: string, bytes: Uint8Array): { facts: BinaryFacts; needs: BinaryNeeds } {
  const e = readElf(bytes)
  const elf: ElfFacts = {
    class: e.class,
    endian: e.endian,
    machine: e.machine,
    type: e.type,
    pie: e.isPie,
    static: e.isStatic,
    interpreter: e.interpreter,
    needed: e.needed,
    symtab: e.hasSymtab,
    debug: e.hasDebug,
    stripped: e.stripped,
    upx: e.upx,
  }
  let go: GoBuildInfo | null = null
  let goMissing: BinaryFacts['goMissing'] = null
  try {
    go = readGoBuildInfo(bytes)
    if (go === null) goMissing = e.upx ? 'hidden by UPX packing' : 'not a Go binary'
  } catch (err) {
    // A damaged build info blob must not hide the ELF facts we did read.
    if (!isGostaticError(err)) throw err
    goMissing = `unreadable: ${err.message}`
  }
  const needs = binaryNeeds(bytes)
  const sizes = attributeBytes(bytes, go)
  return { facts: { path, size: bytes.length, elf, go, goMissing, functionTable: needs.table, sizes }, needs }
}

// A packed file's headers are the UPX stub's, so every fact about the real
// program is unknown rather than whatever the stub happens to look like.
function verdictsOf(b: BinaryFacts | null): Verdicts {
  if (b === null) return { static: 'unknown', cgo: 'unknown', trimpath: 'unknown', stripped: 'unknown', upx: 'unknown' }
  const { elf, go } = b
  const cgo = go?.settings['CGO_ENABLED']
  const has = [elf.symtab ? '.symtab' : '', elf.debug ? '.debug_*' : ''].filter(Boolean).join(' and ')
  return {
    static: elf.upx
      ? 'unknown'
      : elf.static
        ? 'ok'
        : `dynamic: needs ${[elf.interpreter, ...elf.needed].filter((x) => x !== null).join(', ')}`,
    cgo: cgo === '0' || cgo === '1' ? `CGO_ENABLED=${cgo}` : 'unknown',
    trimpath: go === null ? 'unknown' : go.settings['-trimpath'] === 'true' ? '-trimpath=true' : '-trimpath=false',
    stripped: elf.upx ? 'unknown' : elf.stripped ? 'yes' : `no: has ${has}`,
    upx: elf.upx ? 'packed' : 'not packed',
  }
}

// readElf's messages describe the bytes; for a file the user named, say which file.
function namingFile<T>(path: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (!isGostaticError(err) || err.message.includes(path)) throw err
    throw new GostaticError(err.code, `${path}: ${err.message}`, { hint: err.hint, cause: err })
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}
