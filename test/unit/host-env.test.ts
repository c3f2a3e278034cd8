import { describe, expect, it } from 'vitest'
import { buildHostEnv } from '../../src/toolchain/host-env.js'

describe('host environment for go', () => {
  it('drops what would change the binary behind the plan, keeps where go finds things', () => {
    const env = buildHostEnv({ PATH: '/bin', HOME: '/root', GOPROXY: 'off', GOMODCACHE: '/m', GOFLAGS: '-mod=mod', GOAMD64: 'v3', GOEXPERIMENT: 'x', CGO_ENABLED: '1', CGO_CFLAGS: '-O0', GOWORK: 'off' })
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', GOPROXY: 'off', GOMODCACHE: '/m', GOWORK: 'off' })
  })
})
