// `gostatic build --all` in this folder builds the same workspace as pipeline.ts.
import { defineConfig } from 'gostatic'
import { ws } from './pipeline.js'

export default defineConfig({ workspace: ws })
