// One client of a shared Dagger engine, as a CI job would be: builds the
// services of examples/monorepo (a vendored copy) on the engine that
// _EXPERIMENTAL_DAGGER_RUNNER_HOST names, and prints each engine event as a
// JSON line with the time it came (ms since the epoch), then the outcome.
// Its own process, so it opens its own Dagger session (the SDK keeps one
// global client per process).
//
//   tsx test/support/dagger-ws-client.ts <root> <builder-image> <cache-key> <version> [concurrency]
import { join } from 'node:path'
import { goWorkspace } from '../../src/index.js'

// The platform module's services. tools/migrate imports platform through go.work alone, and the Dagger
// builder gets the service's module folder, without the go.work above it: it cannot build there.
export const MONOREPO_SERVICES = ['platform/services/api', 'platform/services/worker'] as const

export function monorepo(root: string, builderImage: string, version: string) {
  return goWorkspace({ root })
    .services([...MONOREPO_SERVICES])
    .defaults((s) =>
      s
        .builderImage(builderImage)
        // The engine has no network: `go mod vendor` ran in platform/ once before the clients start.
        .mod('vendor')
        .strip()
        .runtime('static')
        .platforms('linux/amd64')
        .ldflags({ X: { 'example.com/monorepo/platform/pkg/buildinfo.Version': version } }),
    )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root, image, cacheKey, version, concurrency] = process.argv.slice(2)
  const line = (o: object) => process.stdout.write(JSON.stringify({ t: Date.now(), ...o }) + '\n')
  const result = await monorepo(root!, image!, version!).build({
    engine: 'dagger',
    cacheKey: cacheKey!,
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
    reporter: 'silent',
    onEvent: (e) => line(e),
  })
  const bins: Record<string, string> = {}
  for (const s of result.services)
    if (s.ok) bins[s.name] = await s.result.exportBinary(join(root!, 'bin', version!, s.name))
  line({
    kind: 'outcome',
    services: result.services.map((s) => (s.ok ? { name: s.name, ok: true, engine: s.result.engine } : { name: s.name, ok: false, code: s.error.code, message: s.error.message })),
    bins,
  })
  process.exitCode = result.ok ? 0 : 1
}
