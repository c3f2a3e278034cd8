// A CycloneDX 1.6 JSON BOM for one platform image (or one binary), built with
// the CycloneDX library's model and serializer: the same components as the
// SPDX document, with deterministic bom-refs, serial number and ordering.
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import type * as CDX from '@cyclonedx/cyclonedx-library'
import type { GoDependency } from '../inspect/go-modinfo.js'
import { h1ToSha256, hexOf, platformName, type FileFact, type SbomFacts } from './attest-facts.js'
import { golangPurl, ociNameOf, ociPurl, stdlibPurl } from './purl.js'
import { byModule } from './spdx-document.js'

// The library is hundreds of CommonJS files (70-110 ms to load), so it loads
// with the first CycloneDX BOM rather than with every build or `import 'gostatic'`.
let Enums: typeof CDX.Enums
let Models: typeof CDX.Models
let loaded: CDX.Serialize.JsonSerializer | undefined

function library(): CDX.Serialize.JsonSerializer {
  if (loaded) return loaded
  const lib = createRequire(import.meta.url)('@cyclonedx/cyclonedx-library') as typeof CDX
  ;({ Enums, Models } = lib)
  return (loaded = new lib.Serialize.JsonSerializer(new lib.Serialize.JSON.Normalize.Factory(lib.Spec.Spec1dot6)))
}

export function cyclonedxJson(f: SbomFacts): string {
  const serializer = library()
  const go = f.binary.go
  const bom = new Models.Bom({ serialNumber: serialNumber(f) })
  bom.metadata.timestamp = new Date(f.epoch * 1000)
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'gostatic', {
      bomRef: 'tool:gostatic',
      version: f.toolVersion,
    }),
  )
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'go', { bomRef: 'tool:go', version: go.goVersion }),
  )

  const binary = component(Enums.ComponentType.Application, go.main.path || go.path || f.name, {
    bomRef: 'binary',
    version: go.main.version || undefined,
    purl: golangPurl(go.main.path, go.main.version) ?? undefined,
    description: `Go binary ${f.binary.path}, built with ${go.goVersion}`,
  })
  hashes(binary, f.binary)
  for (const k of Object.keys(go.settings).sort())
    binary.properties.add(new Models.Property(`gostatic:go:build:${k}`, go.settings[k]!))
  const stdlib = component(Enums.ComponentType.Library, 'stdlib', {
    bomRef: 'go:stdlib',
    version: go.goVersion,
    purl: stdlibPurl(go.goVersion),
  })
  const modules = new Map<string, CDX.Models.Component>()
  const dependOn = (c: CDX.Models.Component, deps: readonly GoDependency[]) => {
    c.dependencies.add(stdlib.bomRef)
    for (const d of [...deps].sort(byModule)) {
      const m = moduleComponent(d)
      const known = modules.get(m.bomRef.value ?? '') ?? m
      modules.set(known.bomRef.value ?? '', known)
      c.dependencies.add(known.bomRef)
    }
  }
  dependOn(binary, go.deps)
  // The further programs (.binary()), each an application with the modules its own build info names.
  const further = (f.binaries ?? []).map((b) => {
    const c = component(Enums.ComponentType.Application, b.go.path || b.path, {
      bomRef: `binary:${b.path}`,
      version: b.go.main.version || undefined,
      description: `Go binary ${b.path}, built with ${b.go.goVersion}`,
    })
    hashes(c, b)
    dependOn(c, b.go.deps)
    return c
  })
  bom.components.add(stdlib)
  for (const m of modules.values()) bom.components.add(m)
  for (const c of further) bom.components.add(c)

  if (!f.image) {
    bom.metadata.component = binary
    return serializer.serialize(bom, { sortLists: true, space: 2 })
  }
  const image = component(Enums.ComponentType.Container, f.name, {
    bomRef: 'image',
    version: f.image.manifestDigest,
    purl: ociPurl(null, f.name, f.image.manifestDigest, f.image.platform),
    description:
      `${platformName(f.image.platform)} image manifest` +
      `${f.image.indexDigest ? `; image index ${f.image.indexDigest}` : ''}`,
  })
  image.hashes.set(Enums.HashAlgorithm['SHA-256'], hexOf(f.image.manifestDigest))
  bom.metadata.component = image
  bom.components.add(binary)
  image.dependencies.add(binary.bomRef)
  for (const c of further) image.dependencies.add(c.bomRef)
  if (f.base) {
    const { repository, name } = ociNameOf(f.base.name)
    const base = component(Enums.ComponentType.Container, f.base.name, {
      bomRef: 'base-image',
      version: f.base.digest,
      purl: ociPurl(repository, name, f.base.digest),
    })
    bom.components.add(base)
    image.dependencies.add(base.bomRef)
  }
  for (const file of f.files) {
    const c = component(Enums.ComponentType.File, file.path, { bomRef: `file:${file.path}` })
    hashes(c, file)
    bom.components.add(c)
  }
  return serializer.serialize(bom, { sortLists: true, space: 2 })
}

function component(
  type: CDX.Enums.ComponentType,
  name: string,
  op: CDX.Models.OptionalComponentProperties,
): CDX.Models.Component {
  return new Models.Component(type, name, op)
}

function hashes(c: CDX.Models.Component, f: FileFact): void {
  c.hashes.set(Enums.HashAlgorithm['SHA-1'], f.sha1)
  c.hashes.set(Enums.HashAlgorithm['SHA-256'], f.sha256)
}

function moduleComponent(d: GoDependency): CDX.Models.Component {
  const used = d.replace ?? d
  const local = d.replace !== undefined && d.replace.version === ''
  const c = component(Enums.ComponentType.Library, used.path, {
    bomRef: `go:${used.path}@${used.version}`,
    version: used.version || undefined,
    purl: local ? undefined : (golangPurl(used.path, used.version) ?? undefined),
  })
  const sha = h1ToSha256(used.sum)
  if (sha) c.hashes.set(Enums.HashAlgorithm['SHA-256'], sha)
  if (d.replace) c.properties.add(new Models.Property('gostatic:go:replaces', `${d.path}@${d.version}`))
  return c
}

/** A UUID made from what the BOM describes (RFC 4122 layout, version 5 bits): the same image, the same serial. */
function serialNumber(f: SbomFacts): string {
  const h = createHash('sha256')
    .update(`cyclonedx:${f.name}:${f.image?.manifestDigest ?? f.binary.sha256}`)
    .digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}
