import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Examples import 'gostatic': in tests that is the sources, the same copy the tests import.
  resolve: { alias: [{ find: /^gostatic$/, replacement: resolve(import.meta.dirname, 'src/index.ts') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that run bin/gostatic.js run the compiled CLI: build dist/ from the current sources first.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Go builds dominate; two cores, so keep file parallelism modest.
    maxWorkers: 2,
  },
})
