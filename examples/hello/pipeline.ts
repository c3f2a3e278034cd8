// Builds examples/hello into a verified static image on the local engine
// (no Docker needed) and writes gostatic-out/hello.tar beside this file (the
// CLI's default place, out of git and of `npm pack`), an OCI archive that
// `docker load`, `podman load` and `skopeo copy oci-archive:` accept.
//
//   npx tsx examples/hello/pipeline.ts
import { join, relative } from 'node:path'
import { goService } from 'gostatic'

export const hello = goService({ name: 'hello', source: import.meta.dirname })
  .ldflags({ X: { 'main.version': '1.0.0' } })
  .strip()
  .runtime('static') // CA bundle, passwd with nonroot 65532, /tmp, nsswitch.conf
  .timezones(['Europe/Berlin', 'Asia/Shanghai', 'America/New_York'])
  .args('-addr', ':8080')
  .expose(8080)

// Run as a script (not when imported by tests or a gostatic.config.ts).
if (import.meta.url === `file://${process.argv[1]}`) {
  // Progress goes to stderr: live lines on a terminal, plain lines in a log (reporter: 'auto').
  const result = await hello.build({ engine: 'local' })
  const archive = await result.exportTarball(join(import.meta.dirname, 'gostatic-out', 'hello.tar'))
  for (const t of result.report.targets)
    console.log(`${t.platform}: ${t.elf.machine} ${t.elf.isStatic ? 'static' : 'DYNAMIC'}, ${t.goVersion}, binary ${t.sizes.final} bytes, image ${t.imageBytes} bytes`)
  console.log(`wrote ${archive.path} (${archive.indexDigest})`)
  const tar = relative(process.cwd(), archive.path)
  console.log(`run it:  docker load -i ${tar} && docker run --rm -p 8080:8080 gostatic.local/hello:latest`)
}
