// The API arm of bench/peers.ts: a pipeline.ts as a user writes it, run with
// `npx tsx bench/peers/pipeline.ts <source> <main> <base> <out>`. Progress
// goes to stderr as JSON lines (reporter 'json'), which the benchmark reads
// for the per-step times.
import { goService } from 'gostatic'

const [source, main, base, out] = process.argv.slice(2)
if (!source || !main || !base || !out) throw new Error('usage: pipeline.ts <source> <main> <base> <out>')
const svc = goService({ name: 'bench', source, main }).go('1.26.8').strip().runtime(base)
const result = await svc.build({ engine: 'local', reporter: 'json' })
await result.exportTarball(out)
