// Builds the three services of this go.work (two modules) in parallel on the
// local engine, each as one image index for linux/amd64 and linux/arm64,
// into gostatic-out/<service>.tar beside this file (out of git and of `npm pack`).
//
//   npx tsx examples/monorepo/pipeline.ts
import { join } from 'node:path'
import { goWorkspace } from 'gostatic'

export const ws = goWorkspace({ root: import.meta.dirname })
  .services(['platform/services/api', 'platform/services/worker', 'tools/migrate'])
  .defaults((s) =>
    s
      .strip()
      .runtime('static')
      .platforms('linux/amd64', 'linux/arm64')
      .ldflags({ X: { 'example.com/monorepo/platform/pkg/buildinfo.Version': '1.0.0' } }),
  )
  .service('api', (s) => s.expose(8080).upx({ level: 'best' }))

if (import.meta.url === `file://${process.argv[1]}`) {
  // One progress line per service on stderr (reporter: 'auto'); the results follow on stdout.
  const results = await ws.build({ engine: 'local' })
  for (const s of results.services) console.log(s.ok ? `${s.name}: built in ${s.ms} ms` : `${s.name}: FAILED ${s.error.message}`)
  const written = await results.exportAll(join(import.meta.dirname, 'gostatic-out'))
  for (const [name, a] of written) console.log(`${name}: ${a.path} ${a.indexDigest}`)
  process.exitCode = results.ok ? 0 : 1
}
