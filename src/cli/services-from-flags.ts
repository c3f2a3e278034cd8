// The services a CLI command acts on: from a config file when there is one,
// else one service made from the folder and flags. Flags apply on top of the config.
import { basename, resolve } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { ErrorCode, GostaticError } from '../errors.js'
import { goService, loadConfig, type GoService, type ResolvedWorkspace } from '../index.js'
import type { BuildFlags, ServiceFlags } from './parse-cli.js'
import { discoverRoot } from './discover-root.js'
import { checkFlagValues } from './check-flag-values.js'

export async function servicesFromFlags(dir: string, f: ServiceFlags): Promise<GoService[]> {
  return (await loadServices(dir, f)).services
}

/** Flags that change a service's spec; `gostatic build` has --sbom on top of the shared ones. */
type SpecFlags = ServiceFlags & Partial<Pick<BuildFlags, 'sbom'>>

export interface LoadedServices {
  services: GoService[]
  workspace: ResolvedWorkspace | null
  /** The config's `repo` and the file that names it. */
  repo?: { repo: string; file: string }
}

/** The services, with the workspace they came from when the config declares one. */
export async function loadServices(dir: string, f: SpecFlags): Promise<LoadedServices> {
  checkFlagValues(f)
  const root = resolve(dir)
  if (!existsSync(root)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `folder ${dir} does not exist`)
  const found = f.config !== undefined ? ({ kind: 'config', file: f.config } as const) : discoverRoot(root)
  let services: GoService[]
  let workspace: ResolvedWorkspace | null = null
  let repo: LoadedServices['repo']
  if (found.kind === 'config') {
    const configFile = found.file
    const loaded = await loadConfig(configFile)
    ;({ services, workspace } = loaded)
    if (loaded.repo !== undefined) repo = { repo: loaded.repo, file: configFile }
    for (const s of services) checkSource(s, configFile)
    if (f.service.length > 0) {
      const unknown = f.service.filter((n) => !services.some((s) => s.name === n))
      if (unknown.length)
        throw new GostaticError(
          ErrorCode.INVALID_CONFIG,
          `--service ${unknown.join(', ')}: not ` +
            `in ${configFile}; it has ${services.map((s) => s.name).join(', ')}`,
        )
      services = services.filter((s) => f.service.includes(s.name))
    }
  } else {
    if (found.kind === 'none')
      throw new GostaticError(
        ErrorCode.INPUT_NOT_FOUND,
        `${dir} has neither go.mod nor gostatic.config.ts, nor has any folder above it`,
        {
          hint: 'run gostatic in a Go module (a folder holding go.mod, or below one), or pass --config',
        },
      )
    // Run from a package folder below the module root, that folder is the main package (as `go build` there).
    const main = f.main ?? found.main
    // A service is named for its main package's folder: --main ./services/api builds 'api'.
    const folder = main === '.' ? basename(found.root) : basename(main)
    const name = f.name ?? serviceName(folder)
    services = [goService({ name, source: found.root, ...(main !== '.' ? { main } : {}) })]
  }
  services = services.map((s) => applyFlags(s, f))
  return { services, workspace: workspace && { ...workspace, services }, ...(repo ? { repo } : {}) }
}

/** A config's service must point at a module folder; checked before anything runs, naming the service and file. */
function checkSource(s: GoService, configFile: string): void {
  let source: string
  try {
    source = resolve(s.toSpec().source)
  } catch {
    return // an invalid spec fails on its own, with its fields named
  }
  const where = `service '${s.name}' in ${configFile}`
  if (!existsSync(source))
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${where}: source folder ${source} does not exist`, {
      hint: 'source is the folder holding go.mod, relative to the config file',
    })
  if (!statSync(source).isDirectory())
    throw new GostaticError(
      ErrorCode.INPUT_NOT_FOUND,
      `${where}: source ${source} is a file; source is the folder holding go.mod`,
    )
  if (!existsSync(resolve(source, 'go.mod')))
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${where}: source ${source} has no go.mod`, {
      hint: 'point source at the module root (run `go mod init` to create one)',
    })
}

/** The flags that change a spec, on top of what the service had (also for `gostatic resolve`'s services). */
export function applyFlags(s: GoService, f: Omit<SpecFlags, 'config' | 'service' | 'name' | 'main'>): GoService {
  let out = s
  if (f.go !== undefined) out = out.go(f.go)
  for (const b of f.binary) out = out.binary(b)
  if (f.platform.length) out = out.platforms(...f.platform)
  if (f.runtime !== undefined) out = out.runtime(f.runtime)
  if (f.user !== undefined) out = out.user(f.user)
  if (f.tags.length) out = out.tags(...f.tags)
  if (f.strip !== undefined) out = out.strip(f.strip)
  if (f.upx) out = out.upx()
  if (f.timezones !== undefined) out = out.timezones(f.timezones === 'all' ? 'all' : f.timezones.split(','))
  if (f.sbom !== undefined) out = out.sbom(f.sbom)
  if (Object.keys(f.label).length) out = out.labels(f.label)
  if (Object.keys(f.annotation).length) out = out.annotations(f.annotation)
  if (f.cgo !== undefined) out = out.cgo(f.cgo === true ? {} : { toolchain: f.cgo })
  return out
}

/** A folder name as a service name: lower case, anything but [a-z0-9._-] a dash. */
function serviceName(folder: string): string {
  return folder.toLowerCase().replace(/[^a-z0-9._-]/g, '-')
}
