// The host environment go runs with, minus what would change the binary
// behind the plan's back. The plan's env is complete; a GOFLAGS or GOAMD64
// left in someone's shell must not make the local image differ from the
// Dagger one (set them with .env({...}) to make them part of the plan).
const SHAPES_OUTPUT = new Set([
  'GOFLAGS',
  'GOAMD64',
  'GOARM64',
  'GO386',
  'GOARM',
  'GOMIPS',
  'GOMIPS64',
  'GOPPC64',
  'GORISCV64',
  'GOWASM',
  'GOEXPERIMENT',
  'GOFIPS140',
  'GOOS',
  'GOARCH',
  'CGO_ENABLED',
])

export function buildHostEnv(host: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(host)) if (!SHAPES_OUTPUT.has(k) && !k.startsWith('CGO_')) out[k] = v
  return out
}
