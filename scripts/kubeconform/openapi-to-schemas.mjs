// OpenAPI v3 documents (one per API group version, as the API server serves
// them) → one JSON schema file per kind, named as kubeconform's default
// schema template names them: <kind>-<group>-<version>.json, <kind>-<version>.json
// for the core group. Each file keeps its document's components, so every
// `#/components/schemas/...` reference resolves inside the file.
//   node openapi-to-schemas.mjs <folder of *_openapi.json> <out folder>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [from, to] = process.argv.slice(2)
if (!from || !to) throw new Error('usage: openapi-to-schemas.mjs <openapi folder> <out folder>')
mkdirSync(to, { recursive: true })
let n = 0
for (const f of readdirSync(from).filter((x) => x.endsWith('_openapi.json')).sort()) {
  const schemas = JSON.parse(readFileSync(join(from, f), 'utf8')).components?.schemas ?? {}
  for (const schema of Object.values(schemas)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      // The document also lists kinds of other groups it refers to (DeleteOptions in every group): keep the document's own.
      const suffix = gvk.group === '' ? `-${gvk.version}` : `-${gvk.group.split('.')[0]}-${gvk.version}`
      const file = join(to, `${gvk.kind.toLowerCase()}${suffix.toLowerCase()}.json`)
      writeFileSync(file, JSON.stringify({ ...schema, components: { schemas } }))
      n++
    }
  }
}
if (n === 0) throw new Error(`no kinds in ${from}`)
console.error(`openapi-to-schemas: ${n} schemas written to ${to}`)
