#!/usr/bin/env node
// gostatic ships TypeScript sources; tsx compiles them on the fly.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
