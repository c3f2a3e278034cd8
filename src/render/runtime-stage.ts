// The plan's runtime files and image config as Dockerfile text: files gostatic
// makes are written under /rootfs in the builder and copied over in one layer,
// files from the source folder are copied from the build context.
import type { BuildPlan, CaSource, RuntimeFile } from '../plan/build-plan.js'
import { shJoin, shq } from '../util/shell-quote.js'
import { baseRow } from '../plan/runtime-bases.js'

const ROOTFS = '/rootfs'
/** Where Alpine's and Debian's ca-certificates packages (and so golang images) keep the bundle. */
const BUILDER_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt'

/** One runtime file's share of the Dockerfile. */
interface FileText {
  /** Comment lines before the builder's rootfs RUN. */
  readonly notes: readonly string[]
  /** Shell commands that write the file under /rootfs in the builder. */
  readonly rootfs: readonly string[]
  /** Runtime-stage instructions that copy it from the build context. */
  readonly copy: readonly string[]
  /** Paths in the build context (the source folder) it reads. */
  readonly context: readonly string[]
}

const text = (t: Partial<FileText>): FileText => ({ notes: [], rootfs: [], copy: [], context: [], ...t })

type FileHandler<K extends RuntimeFile['kind']> = (f: Extract<RuntimeFile, { kind: K }>, dst: string) => FileText

const files: { [K in RuntimeFile['kind']]: FileHandler<K> } = {
  // One line per instruction: newlines go in as printf escapes, not raw.
  text: (f, dst) => {
    const write = `printf ${shq(printfFormat(f.content))} > ${dst}`
    return text({ rootfs: [`mkdir -p $(dirname ${dst}) && ${write} && chmod ${f.mode.toString(8)} ${dst}`] })
  },
  dir: (f, dst) =>
    text({ rootfs: [`mkdir -p ${dst} && chmod ${f.mode.toString(8)} ${dst} && chown ${f.uid}:${f.gid} ${dst}`] }),
  'ca-bundle': (f, dst) => {
    const s = (caSources[f.source.kind] as CaHandler<CaSource['kind']>)(f.source)
    return text({
      ...s,
      rootfs: [`mkdir -p $(dirname ${dst}) && cp ${s.from} ${dst} && chmod ${f.mode.toString(8)} ${dst}`],
    })
  },
  zoneinfo: (f, dst) => {
    const zones = f.zones === 'all' ? '' : ` ${shJoin(f.zones)}`
    return text({
      rootfs: [`mkdir -p ${dst} && unzip -q -o -d ${dst} "$(go env GOROOT)/lib/time/zoneinfo.zip"${zones}`],
    })
  },
  'host-file': (f) => {
    const chmod = f.mode !== null ? ` --chmod=${f.mode.toString(8)}` : ''
    return text({ copy: [`COPY${chmod} ${f.from} ${f.path}`], context: [f.from] })
  },
}

/** `from`: the bundle's path in the builder, shell-quoted. */
type CaText = { from: string; notes: string[]; context: string[] }
type CaHandler<K extends CaSource['kind']> = (s: Extract<CaSource, { kind: K }>) => CaText

const caSources: { [K in CaSource['kind']]: CaHandler<K> } = {
  'node-root-store': () => ({
    from: BUILDER_CA_BUNDLE,
    notes: [
      `# CA bundle: the builder image's ${BUILDER_CA_BUNDLE} (for golang:*-alpine, Alpine's ca-certificates package).`,
      "# gostatic's local and Dagger engines write Node's bundled Mozilla store (tls.rootCertificates) instead: " +
        "Mozilla's",
      '# roots too, at another snapshot and in another order, so the bytes and the image digest differ from theirs.',
      "# caCertificates({ file: 'certs/ca.pem' }) pins one bundle that all three copy byte for byte.",
    ],
    context: [],
  }),
  file: (s) => ({
    from: shq(s.from),
    notes: [`# CA bundle: ${s.from} from the source folder, byte for byte, as gostatic's engines copy it.`],
    context: [s.from],
  }),
}

function rendered(fs: readonly RuntimeFile[]): FileText[] {
  return fs.map((f) => (files[f.kind] as FileHandler<RuntimeFile['kind']>)(f, `${ROOTFS}${f.path}`))
}

/** Source-folder paths the runtime files read: the build context must hold them. */
export function contextFiles(fs: readonly RuntimeFile[]): string[] {
  return rendered(fs).flatMap((t) => t.context)
}

/** The builder's rootfs RUN, then the runtime stage: base, files, binary (a COPY, so a layer, per binary), config. */
export function runtimeStage(
  p: BuildPlan,
  out: string,
  further: readonly { readonly out: string; readonly path: string }[] = [],
): string[] {
  const r = p.runtime
  const parts = rendered(r.files)
  const rootfs = parts.flatMap((t) => t.rootfs)
  const run = `RUN ${[`mkdir -p ${ROOTFS}`, ...rootfs].join(' \\\n && ')}`
  const L = rootfs.length ? [...parts.flatMap((t) => t.notes), run] : []
  L.push('', `FROM ${baseRow(r.base).from(r.base)}`)
  if (rootfs.length) L.push(`COPY --from=build ${ROOTFS}/ /`)
  L.push(...parts.flatMap((t) => t.copy), `COPY --from=build ${out} ${r.binaryPath}`)
  for (const b of further) L.push(`COPY --from=build ${b.out} ${b.path}`)
  const c = r.config
  if (c.env.length) L.push(`ENV ${c.env.map(envPair).join(' ')}`)
  for (const [k, v] of Object.entries(c.labels)) L.push(`LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`)
  if (c.exposedPorts.length) L.push(`EXPOSE ${c.exposedPorts.join(' ')}`)
  L.push(`WORKDIR ${c.workdir}`)
  if (c.user !== null) L.push(`USER ${c.user}`)
  L.push(`ENTRYPOINT ${JSON.stringify(c.entrypoint)}`)
  if (c.cmd.length) L.push(`CMD ${JSON.stringify(c.cmd)}`)
  if (Object.keys(r.annotations).length)
    L.push(
      `# annotations (set by gostatic's engines; Dockerfiles have no equivalent): ` +
        `${JSON.stringify(r.annotations)}`,
    )
  return L
}

function envPair(e: string): string {
  const i = e.indexOf('=')
  return `${e.slice(0, i)}=${shq(e.slice(i + 1))}`
}

/** `content` as a printf format that prints it verbatim, on one line. */
function printfFormat(content: string): string {
  return content.replace(/\\/g, '\\\\').replace(/%/g, '%%').replace(/\n/g, '\\n')
}
