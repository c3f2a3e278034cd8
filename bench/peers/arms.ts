// What each side of bench/peers.ts runs, as child processes with the same
// environment: gostatic as a user installs it (the packed tarball in a
// consumer project, with tsx): its CLI and its API (`npx tsx pipeline.ts`);
// ko with `-s -w` (the same link flags as gostatic) and ko with its
// defaults; and a bare `npx tsx -e 0` (what the API side pays for npx and
// tsx before any work of ours).
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Service } from './services.js'

export type ArmName = 'cli' | 'api' | 'ko' | 'koDefault' | 'tsx' | 'cliLoad' | 'koLoad'
export type Run = { ms: number; load: number; steps: Map<string, number> }
/** consumer: the project gostatic and tsx are installed in, with pipeline.ts beside package.json. */
export type ArmSetup = { consumer: string; ko: string | null; base: string; out: string }
export type Arm = { name: ArmName; label: string; command: (s: Service) => string; run: (s: Service, env: NodeJS.ProcessEnv) => Run }

const GO = '1.26.8'

export function arms(setup: ArmSetup): Record<ArmName, Arm> {
  const bin = 'node_modules/gostatic/bin/gostatic.js'
  const gsOut = (s: Service) => join(setup.out, `${s.name}-gostatic.tar`)
  const koOut = (s: Service, flavour: string) => join(setup.out, `${s.name}-${flavour}.tar`)
  const cliArgs = (s: Service) => [
    bin, 'build', s.dir, '--main', s.main, '--go', GO, '--strip', '--runtime', setup.base, '--out', gsOut(s), '--reporter', 'json',
  ]
  const apiArgs = (s: Service) => ['tsx', 'pipeline.ts', s.dir, s.main, setup.base, gsOut(s)]
  const koArgs = (s: Service, flavour: 'ko' | 'koDefault') => [
    'build', s.main, ...(flavour === 'ko' ? ['--ldflags=-s -w'] : []), '--push=false', `--tarball=${koOut(s, flavour)}`,
  ]
  // Into the Docker daemon at DOCKER_HOST: no --strip (a strip after -s -w removes ~0.03 %), ko with the same -s -w.
  const loadArgs = (s: Service) => [bin, 'build', s.dir, '--main', s.main, '--go', GO, '--runtime', setup.base, '--load', '--reporter', 'json']
  const koLoadArgs = (s: Service) => ['build', s.main, '--ldflags=-s -w', '-L']
  return {
    cliLoad: {
      name: 'cliLoad',
      label: 'gostatic build --load',
      command: (s) => `node ${bin} build <dir> --main ${s.main} --go ${GO} --runtime <base> --load --reporter json`,
      run: (s, env) => timed(process.execPath, loadArgs(s), setup.consumer, env, true),
    },
    koLoad: {
      name: 'koLoad',
      label: 'ko build -L',
      command: (s) => `ko ${koLoadArgs(s).join(' ')}`,
      run: (s, env) => timed(setup.ko!, koLoadArgs(s), s.dir, env, false),
    },
    cli: {
      name: 'cli',
      label: 'gostatic CLI',
      command: (s) => `node ${bin} build <dir> --main ${s.main} --go ${GO} --strip --runtime <base> --out <tar> --reporter json`,
      run: (s, env) => timed(process.execPath, cliArgs(s), setup.consumer, env, true),
    },
    api: {
      name: 'api',
      label: 'gostatic API',
      command: () => 'npx tsx pipeline.ts <dir> <main> <base> <tar> (bench/peers/pipeline.ts)',
      run: (s, env) => timed('npx', apiArgs(s), setup.consumer, env, true),
    },
    tsx: {
      name: 'tsx',
      label: 'bare `npx tsx -e 0`',
      command: () => 'npx tsx -e 0',
      run: (_s, env) => timed('npx', ['tsx', '-e', '0'], setup.consumer, env, false),
    },
    ko: {
      name: 'ko',
      label: 'ko -s -w',
      command: (s) => `ko ${koArgs(s, 'ko').join(' ').replace(setup.out, '<out>')}`,
      run: (s, env) => timed(setup.ko!, koArgs(s, 'ko'), s.dir, env, false),
    },
    koDefault: {
      name: 'koDefault',
      label: 'ko (defaults)',
      command: (s) => `ko ${koArgs(s, 'koDefault').join(' ').replace(setup.out, '<out>')}`,
      run: (s, env) => timed(setup.ko!, koArgs(s, 'koDefault'), s.dir, env, false),
    },
  }
}

export const outputs = (setup: ArmSetup, s: Service) => ({
  gostatic: join(setup.out, `${s.name}-gostatic.tar`),
  ko: join(setup.out, `${s.name}-ko.tar`),
  koDefault: join(setup.out, `${s.name}-koDefault.tar`),
})

function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, events: boolean): Run {
  const load = loadNow()
  const t0 = performance.now()
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 })
  const ms = performance.now() - t0
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').slice(-3000)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${why}`)
  }
  return { ms, load, steps: events ? stepTimes(r.stderr) : new Map() }
}

/** Per-step ms from the build's JSON events (reporter 'json' writes one object per line to stderr). */
function stepTimes(stderr: string): Map<string, number> {
  const steps = new Map<string, number>()
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue
    const e = JSON.parse(line) as { kind?: string; step?: string; ms?: number }
    if (e.kind === 'step-done' && e.step && typeof e.ms === 'number') steps.set(e.step, (steps.get(e.step) ?? 0) + e.ms)
  }
  return steps
}

export function loadNow(): number {
  return loadavg()[0]!
}
