// One reading of SOURCE_DATE_EPOCH (src/util/), shared by the engines and by
// inspect's sbom(), so both accept and refuse the same values.
import { afterEach, describe, expect, it } from 'vitest'
import { parseSourceDateEpoch } from '../../src/util/source-date-epoch.js'
import { sourceDateEpoch } from '../../src/toolchain/source-date-epoch.js'
import { sbom } from '../../src/api/sbom-of.js'

const saved = process.env['SOURCE_DATE_EPOCH']
afterEach(() => {
  if (saved === undefined) delete process.env['SOURCE_DATE_EPOCH']
  else process.env['SOURCE_DATE_EPOCH'] = saved
})

describe('parseSourceDateEpoch', () => {
  it('reads whole seconds; unset or empty is undefined', () => {
    expect(parseSourceDateEpoch({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1700000000)
    expect(parseSourceDateEpoch({ SOURCE_DATE_EPOCH: '0' })).toBe(0)
    expect(parseSourceDateEpoch({ SOURCE_DATE_EPOCH: '' })).toBeUndefined()
    expect(parseSourceDateEpoch({})).toBeUndefined()
  })

  it.each(['1.5', '-1', '2024-01-01', ' 5'])('refuses %j, naming the variable and the value', (v) => {
    expect(() => parseSourceDateEpoch({ SOURCE_DATE_EPOCH: v })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: `SOURCE_DATE_EPOCH must be whole seconds since 1970, got '${v}'` }))
  })

  it('the engines and sbom() refuse the same value with the same message', async () => {
    const message = "SOURCE_DATE_EPOCH must be whole seconds since 1970, got '1.5'"
    await expect(sourceDateEpoch({}, { SOURCE_DATE_EPOCH: '1.5' }, null)).rejects.toMatchObject({ code: 'INVALID_CONFIG', message })
    process.env['SOURCE_DATE_EPOCH'] = '1.5'
    // Read before the target is opened, so no binary is needed to see it.
    await expect(sbom('/nonexistent/binary')).rejects.toMatchObject({ code: 'INVALID_CONFIG', message })
    // An option wins over the variable in both.
    await expect(sbom('/nonexistent/binary', { sourceDateEpoch: 3 })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' })
    expect(await sourceDateEpoch({ sourceDateEpoch: 3 }, { SOURCE_DATE_EPOCH: '1.5' }, null)).toBe(3)
  })
})
