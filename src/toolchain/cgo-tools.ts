// Finds the C toolchain a .cgo() plan names on the machine that builds, and
// the env that lets go's CC (`zig cc ...`, `musl-gcc`) reach it: its folder
// first on PATH and, for zig, its caches in gostatic's cache folder. Sync, so
// GoService.plan() can read the same facts before planning.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readlinkSync, renameSync, symlinkSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { basename, delimiter, dirname, join } from 'node:path'
import { findOnPath, isExecutable } from '../util/find-on-path.js'
import { ErrorCode, GostaticError } from '../errors.js'
import type { CgoPlan, CgoTool } from '../plan/build-plan.js'

export interface FoundTool {
  readonly path: string
  /** How it was found, for messages: '.cgo({ zig })', 'PATH', 'python3 -m ziglang'. */
  readonly via: string
}

/** The zig binary inside the ziglang wheel, where python3 imports it from. */
function zigFromWheel(env: NodeJS.ProcessEnv): string | null {
  const py = 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))'
  const r = spawnSync('python3', ['-c', py], { env, encoding: 'utf8', timeout: 20_000 })
  const p = r.status === 0 ? r.stdout.trim() : ''
  return p !== '' && isExecutable(p) ? p : null
}

/** The tool where the plan says to look, or null. A .cgo({ zig }) path that is not executable is not replaced. */
export function findCgoTool(tool: CgoTool, env: NodeJS.ProcessEnv): FoundTool | null {
  if (tool.path !== null) {
    return isExecutable(tool.path) ? { path: tool.path, via: `.cgo({ zig: '${tool.path}' })` } : null
  }
  for (const where of tool.lookup) {
    const path = where === 'path' ? findOnPath(tool.command, env) : zigFromWheel(env)
    if (path !== null) return { path, via: where === 'path' ? 'PATH' : where }
  }
  return null
}

export function missingToolError(cgo: CgoPlan, service: string): GostaticError {
  const t = cgo.tool
  const wheel = t.lookup.includes('python3 -m ziglang') ? ' and for python3 -m ziglang' : ''
  const looked = t.path !== null ? `${t.path} is not an executable file` : `looked on PATH${wheel}`
  const musl = " On linux/amd64 alone, .cgo({ toolchain: 'musl-gcc' }) works too (apt-get install musl-tools)."
  const other = cgo.toolchain === 'zig' ? musl : ''
  const message = `${service}: .cgo() builds with ${t.command}, which was not found (${looked})`
  return new GostaticError(ErrorCode.TOOL_MISSING, message, { hint: `install it: ${t.install}.${other}` })
}

export interface CgoToolEnv {
  readonly found: FoundTool
  /** Added to every go command's env: PATH with the tool's folder first, and the toolchain's cache variables. */
  readonly env: Readonly<Record<string, string>>
}

/**
 * `cacheDir` holds the toolchain's cache and, when the tool's file is not
 * named as CC calls it, a stable link to it (go's build cache keys on the
 * compiler's path, so it must not change between builds).
 */
export function cgoToolEnv(cgo: CgoPlan, hostEnv: NodeJS.ProcessEnv, cacheDir: string, service: string): CgoToolEnv {
  const found = findCgoTool(cgo.tool, hostEnv)
  if (found === null) throw missingToolError(cgo, service)
  const named = basename(found.path) === cgo.tool.command
  const bin = named ? dirname(found.path) : linkDir(found.path, cgo.tool.command, cacheDir)
  const env: Record<string, string> = { PATH: [bin, hostEnv['PATH'] ?? ''].filter(Boolean).join(delimiter) }
  if (cgo.cache !== null) {
    const dir = join(cacheDir, cgo.cache.name)
    mkdirSync(dir, { recursive: true })
    for (const k of cgo.cache.env) env[k] = dir
  }
  return { found, env }
}

function linkDir(target: string, command: string, cacheDir: string): string {
  const dir = join(cacheDir, 'cgo-bin', createHash('sha256').update(target).digest('hex').slice(0, 16))
  const link = join(dir, command)
  mkdirSync(dir, { recursive: true })
  let current: string | null = null
  try {
    current = readlinkSync(link)
  } catch {
    current = null
  }
  if (current !== target) {
    // Two builds may do this at once: each makes its own link and renames it into place.
    const tmp = `${link}.${process.pid}.${Math.random().toString(36).slice(2)}`
    symlinkSync(target, tmp)
    renameSync(tmp, link)
  }
  return dir
}
