// Which Dagger engine versions the installed SDK may drive. The SDK's API
// is generated from its own engine's schema, and Dagger's 0.x minor releases
// change that schema, so a remote engine of another minor can lack, or
// answer differently, the calls a build makes. Patch releases within a minor
// keep it; Dagger's own docs ask for the engine of the SDK's version.

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/

/** Why an engine of version `engine` does not match SDK `sdk`, or null when it does (same major and minor). */
export function daggerVersionMismatch(engine: string, sdk: string): string | null {
  const e = SEMVER.exec(engine.trim())
  const s = SEMVER.exec(sdk.trim())
  if (!s) return null // an SDK built from source (no release version) names no engine to hold it to
  const want = `v${s[1]}.${s[2]}.x`
  if (!e) return `the engine reports version '${engine}', not a release version; the SDK ${sdk} needs ${want}`
  if (e[1] === s[1] && e[2] === s[2]) return null
  return `the engine is v${e[1]}.${e[2]}.${e[3]} and the Dagger SDK (@dagger.io/dagger) is ${sdk}, which needs ${want}`
}
