#!/usr/bin/env node
// The `gostatic` command runs the compiled CLI in dist/ (built by `npm run
// build`; npm ci and npm pack build it through the prepare script).
const cli = await import('../dist/cli/main.js').catch((e) => {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/cli/main.js')) throw e
  process.stderr.write('gostatic: dist/ is missing (installed with --ignore-scripts?); run `npm run build`\n')
  process.exit(1)
})
process.exitCode = await cli.main(process.argv.slice(2))
