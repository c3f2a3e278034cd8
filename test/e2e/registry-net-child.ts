// Run as its own process by registry-network.test.ts, so each run gets its
// own environment (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS are read at
// start-up, as a user's shell would set them): `push <archive> <ref>` or
// `pull <ref>`; prints one JSON line, {ok, digest} or {ok: false, code, message}.
import { publishOciArchive } from '../../src/index.js'
import { pullImage } from '../../src/registry/pull-image.js'

const [op, a, b] = process.argv.slice(2)
try {
  const digest =
    op === 'push'
      ? (await publishOciArchive(a!, b!, { cacheDir: null })).digest
      : (await pullImage(a!, [{ os: 'linux', architecture: 'amd64' }], { cacheDir: null })).digest
  process.stdout.write(`${JSON.stringify({ ok: true, digest })}\n`)
} catch (e) {
  const err = e as { code?: string; message?: string }
  process.stdout.write(`${JSON.stringify({ ok: false, code: err.code, message: err.message })}\n`)
}
// Keep-alive sockets to the proxy must not hold the process (the proxy logs a tunnel when it closes).
process.exit(0)
