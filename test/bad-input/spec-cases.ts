// One run of a bad-spec case, as a pipeline.ts would meet it: build() then
// exportTarball() for a builder, plan() for a plain object; the error must be
// the expected one and nothing may be left behind.
import { plan, type GoService } from '../../src/index.js'
import { caseDirs, expectNothingLeft, expectSdkError, type Expected, withTmpdir } from './harness.js'

export type SpecCase = Expected & { readonly name: string; readonly svc: () => GoService | unknown }

export async function expectSpecRefused(root: string, c: SpecCase): Promise<void> {
  const d = caseDirs(root, c.name)
  await withTmpdir(d.tmp, () =>
    expectSdkError(async () => {
      const svc = c.svc()
      const result = svc instanceof Object && 'build' in svc ? await (svc as GoService).build({ engine: 'local' }) : null
      if (result === null) return plan(svc)
      await result.exportTarball(d.out)
    }, c),
  )
  expectNothingLeft(d)
}
