// The gostatic.config.ts `gostatic init` writes: every main package of the
// module as a service, with the calls a user is most likely to want next
// written out as comments, so the file teaches its own next step.

export interface InitService {
  readonly name: string
  /** './services/api', or '.' for the module root. */
  readonly main: string
}

export function initConfigText(modulePath: string, services: readonly InitService[]): string {
  const entries = services.map((s) => {
    const main = s.main === '.' ? '' : `, main: '${s.main}'`
    return `    goService({ name: '${s.name}', source: '.'${main} }),`
  })
  return [
    `// gostatic.config.ts for ${modulePath}, written by \`gostatic init\`.`,
    '//',
    '//   npx gostatic plan     what a build will do, service by service',
    '//   npx gostatic build    build, verify and write gostatic-out/<name>.tar for each',
    '//',
    '// Each service is a builder: chain calls on it to change what is built, e.g.',
    "//   goService({ name: 'api', source: '.', main: './cmd/api' })",
    "//     .runtime('static')                         // the default: CA roots, /etc/passwd with nonroot, /tmp",
    "//     .platforms('linux/amd64', 'linux/arm64')   // one image index for both",
    "//     .timezones(['Europe/Berlin'])              // zoneinfo for time.LoadLocation",
    '//     .strip()                                   // strip --strip-unneeded after the build',
    '//     .upx()                                     // pack with UPX where the UPX policy allows',
    '//     .expose(8080)',
    "import { defineConfig, goService } from 'gostatic'",
    '',
    'export default defineConfig({',
    '  services: [',
    ...entries,
    '  ],',
    '})',
    '',
  ].join('\n')
}
