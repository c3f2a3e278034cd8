// An SPDX 2.3 JSON document for one platform image (or one binary): the
// image by digest, the Go binary and every module its build info names, the
// Go standard library and toolchain, the base image and gostatic's own
// files. IDs, ordering and the one timestamp are deterministic.
import type { GoDependency } from '../inspect/go-modinfo.js'
import { h1ToSha256, hexOf, platformName, rfc3339 } from './attest-facts.js'
import type { BinaryFact, FileFact, SbomFacts } from './attest-facts.js'
import { golangPurl, ociNameOf, ociPurl, stdlibPurl } from './purl.js'
import { spdxId } from './spdx-ids.js'

type Checksum = { algorithm: 'SHA1' | 'SHA256'; checksumValue: string }
type ExternalRef = { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }
type Purpose = 'CONTAINER' | 'APPLICATION' | 'LIBRARY' | 'OTHER'

export interface SpdxPackage {
  SPDXID: string
  name: string
  versionInfo?: string
  packageFileName?: string
  downloadLocation: 'NOASSERTION'
  filesAnalyzed: false
  primaryPackagePurpose: Purpose
  checksums?: Checksum[]
  externalRefs?: ExternalRef[]
  comment?: string
}

export interface SpdxFile {
  SPDXID: string
  fileName: string
  checksums: Checksum[]
  comment?: string
}

export interface SpdxRelationship {
  spdxElementId: string
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON' | 'DESCENDANT_OF' | 'BUILD_TOOL_OF'
  relatedSpdxElement: string
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3'
  dataLicense: 'CC0-1.0'
  SPDXID: 'SPDXRef-DOCUMENT'
  name: string
  documentNamespace: string
  creationInfo: { created: string; creators: string[] }
  packages: SpdxPackage[]
  files: SpdxFile[]
  relationships: SpdxRelationship[]
}

const DOC = 'SPDXRef-DOCUMENT'

export function spdxDocument(f: SbomFacts): SpdxDocument {
  const go = f.binary.go
  const rels: SpdxRelationship[] = []
  const rel = (a: string, t: SpdxRelationship['relationshipType'], b: string) =>
    rels.push({ spdxElementId: a, relationshipType: t, relatedSpdxElement: b })
  const binary = binaryPackage('SPDXRef-Binary', f.binary, go.main.path || go.path || f.name)
  // The further programs: their own packages, each depending on the modules its own build info names.
  const further = (f.binaries ?? []).map((b) => ({
    b,
    p: binaryPackage(spdxId('Binary', b.path), b, b.go.path || b.path),
  }))
  const stdlib = pkg({
    SPDXID: 'SPDXRef-Go-stdlib',
    name: 'stdlib',
    versionInfo: go.goVersion,
    primaryPackagePurpose: 'LIBRARY',
    purl: stdlibPurl(go.goVersion),
  })
  const toolchain = pkg({
    SPDXID: 'SPDXRef-Go-toolchain',
    name: 'go',
    versionInfo: go.goVersion,
    primaryPackagePurpose: 'OTHER',
    comment: 'the Go toolchain that compiled the binary',
  })
  const modules = [...go.deps].sort(byModule).map(modulePackage)
  const known = new Set(modules.map((m) => m.SPDXID))
  for (const { b } of further)
    for (const m of [...b.go.deps].sort(byModule).map(modulePackage))
      if (!known.has(m.SPDXID)) {
        known.add(m.SPDXID)
        modules.push(m)
      }
  const packages: SpdxPackage[] = []
  let top = binary.SPDXID
  if (f.image) {
    const image = pkg({
      SPDXID: 'SPDXRef-Image',
      name: f.name,
      versionInfo: f.image.manifestDigest,
      primaryPackagePurpose: 'CONTAINER',
      checksums: [{ algorithm: 'SHA256', checksumValue: hexOf(f.image.manifestDigest) }],
      purl: ociPurl(null, f.name, f.image.manifestDigest, f.image.platform),
      comment:
        `${platformName(f.image.platform)} image manifest` +
        `${f.image.indexDigest ? `; image index ${f.image.indexDigest}` : ''}`,
    })
    packages.push(image)
    top = image.SPDXID
    rel(top, 'CONTAINS', binary.SPDXID)
    for (const { p } of further) rel(top, 'CONTAINS', p.SPDXID)
  }
  packages.push(binary, ...further.map((x) => x.p), stdlib, toolchain, ...modules)
  if (f.base) {
    const { repository, name } = ociNameOf(f.base.name)
    const base = pkg({
      SPDXID: 'SPDXRef-Base-image',
      name: f.base.name,
      versionInfo: f.base.digest,
      primaryPackagePurpose: 'CONTAINER',
      purl: ociPurl(repository, name, f.base.digest),
    })
    packages.push(base)
    rel(top, 'DESCENDANT_OF', base.SPDXID)
  }
  const files = [...f.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map(spdxFile)
  for (const file of files) rel(top, 'CONTAINS', file.SPDXID)
  rel(binary.SPDXID, 'DEPENDS_ON', stdlib.SPDXID)
  for (const m of modules) rel(binary.SPDXID, 'DEPENDS_ON', m.SPDXID)
  rel(toolchain.SPDXID, 'BUILD_TOOL_OF', binary.SPDXID)
  for (const { b, p } of further) {
    rel(p.SPDXID, 'DEPENDS_ON', stdlib.SPDXID)
    for (const d of [...b.go.deps].sort(byModule)) rel(p.SPDXID, 'DEPENDS_ON', modulePackage(d).SPDXID)
    rel(toolchain.SPDXID, 'BUILD_TOOL_OF', p.SPDXID)
  }
  const subject = f.image
    ? `${platformName(f.image.platform)}/${hexOf(f.image.manifestDigest)}`
    : `binary/${f.binary.sha256}`
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: DOC,
    name: f.image ? `${f.name} (${platformName(f.image.platform)})` : f.name,
    documentNamespace: `urn:gostatic:spdx:${encodeURIComponent(f.name)}:${subject}`,
    creationInfo: { created: rfc3339(f.epoch), creators: [`Tool: gostatic-${f.toolVersion}`] },
    packages,
    files,
    relationships: [{ spdxElementId: DOC, relationshipType: 'DESCRIBES', relatedSpdxElement: top }, ...rels],
  }
}

/** A Go binary as an SPDX application package (a further program is named by its package, the main by its module). */
function binaryPackage(SPDXID: string, b: BinaryFact, name: string): SpdxPackage {
  const go = b.go
  return pkg({
    SPDXID,
    name,
    ...(go.main.version ? { versionInfo: go.main.version } : {}),
    packageFileName: b.path,
    primaryPackagePurpose: 'APPLICATION',
    checksums: fileChecksums(b),
    purl: golangPurl(go.main.path, go.main.version),
    comment: `Go binary built with ${go.goVersion}; ${settingsText(go.settings)}`,
  })
}

type PackageInput = Omit<SpdxPackage, 'downloadLocation' | 'filesAnalyzed' | 'externalRefs'> & { purl?: string | null }

function pkg({ purl, ...p }: PackageInput): SpdxPackage {
  return {
    ...p,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(purl
      ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] }
      : {}),
  }
}

/** The module that was compiled in: the replacement when go.mod replaced it. */
function modulePackage(d: GoDependency): SpdxPackage {
  const used = d.replace ?? d
  const sha = h1ToSha256(used.sum)
  const local = d.replace !== undefined && d.replace.version === ''
  return pkg({
    SPDXID: spdxId('Module', used.path, used.version),
    name: used.path,
    ...(used.version ? { versionInfo: used.version } : {}),
    primaryPackagePurpose: 'LIBRARY',
    ...(sha ? { checksums: [{ algorithm: 'SHA256', checksumValue: sha }] } : {}),
    purl: local ? null : golangPurl(used.path, used.version),
    ...(d.replace
      ? { comment: `replaces ${d.path}@${d.version} (go.mod replace${local ? ', a local directory' : ''})` }
      : {}),
  })
}

function spdxFile(f: FileFact): SpdxFile {
  return { SPDXID: spdxId('File', f.path), fileName: `.${f.path}`, checksums: fileChecksums(f) }
}

function fileChecksums(f: FileFact): Checksum[] {
  return [
    { algorithm: 'SHA1', checksumValue: f.sha1 },
    { algorithm: 'SHA256', checksumValue: f.sha256 },
  ]
}

export function byModule(a: GoDependency, b: GoDependency): number {
  const ka = `${a.path}@${a.version}`
  const kb = `${b.path}@${b.version}`
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

function settingsText(s: Readonly<Record<string, string>>): string {
  return Object.keys(s)
    .sort()
    .map((k) => `${k}=${s[k]}`)
    .join(' ')
}
