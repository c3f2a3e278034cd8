// `gostatic resolve` and `gostatic apply`: their options, and -f read as typed.
// parse-cli.ts registers them and holds their schema with the others.
import type { CAC } from 'cac'
const FILE = '-f, --filename <path>'
const REPO = 'pushed to <repo>/<name> (repo: $GOSTATIC_REPO, else $KO_DOCKER_REPO)'

export function addResolveCommands(cli: CAC): void {
  const what = [
    ['resolve', `Build every gostatic:// image in Kubernetes YAML, ${REPO}; print the YAML with repo@sha256 digests`],
    ['apply', 'gostatic resolve, then kubectl apply -f - with the result'],
  ] as const
  for (const [name, text] of what) {
    cli
      .command(name, text)
      .option(FILE, 'YAML file, folder (its .yaml/.yml files) or - for stdin; repeatable')
      .option('--platform <os/arch>', 'Target platform, repeatable or comma-separated (default linux/amd64)')
      .option('--tag <tag>', "Tag to push, repeatable (default latest); 'git' is the source's short commit")
      .option('--go <version>', "Go version, e.g. '1.23'")
      .option('--runtime <base>', "'scratch', 'static' (default) or an image reference")
      .option('--user <uid:gid>', "Numeric user (default '65532:65532' on scratch and static)")
      .option('--tags <tags>', 'Go build tags to add, comma-separated')
      .option('--strip', 'Run strip --strip-unneeded after the build')
      .option('--upx', 'Pack with UPX where the UPX policy allows it')
      .option('--timezones <zones>', "Zones to ship, comma-separated, or 'all'")
      .option('--cgo [toolchain]', "Static cgo build: 'zig' or 'musl-gcc'")
      .option('--label <key=value>', 'Image config label, repeatable')
      .option('--annotation <key=value>', 'Image manifest annotation, repeatable')
      .option('--engine <engine>', "'local' (default), 'dagger' or 'auto'")
      .option('--concurrency <n>', 'Images built at once (default: the CPU count)')
      .option('--reporter <kind>', "Progress on stderr: 'auto', 'plain', 'json' or 'silent'")
      .option('--sbom <formats>', "SBOMs attached to each pushed image: 'spdx' (default), 'cyclonedx', both, or 'none'")
      .option(
        '--sign-key <key>',
        'Sign each pushed image, its SBOMs and provenance with this key (a file or env://NAME)',
      )
  }
}

/** -f's values exactly as typed (cac would read `-f -` as a flag): every `-f X`, `-f=X`, `--filename X`. */
export function filenameValues(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') break
    const m = /^(-f|--filename)(?:=(.*))?$/s.exec(a)
    if (!m) continue
    const v = m[2] ?? argv[++i]
    if (v !== undefined) out.push(v)
  }
  return out
}

/** `-f -` as `--filename=-`: cac takes a lone '-' after a flag for a missing value. */
export function joinStdinDash(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if ((a === '-f' || a === '--filename') && argv[i + 1] === '-') {
      out.push('--filename=-')
      i++
    } else out.push(a)
  }
  return out
}
