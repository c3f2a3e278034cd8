// Sends one blob into an open upload session: a single PUT (monolithic), or
// PATCH chunks and a closing PUT. The registry checks the digest on close.
import { ErrorCode, GostaticError } from '../errors.js'
import type { RegistryClient } from './registry-client.js'

export interface Upload {
  /** The session's Location, absolute or relative to the registry. */
  readonly location: string
  readonly digest: string
  readonly bytes: Buffer
  readonly scopes: readonly string[]
  readonly doing: string
  readonly chunkSize?: number
}

export async function uploadBlob(client: RegistryClient, u: Upload): Promise<void> {
  let location = u.location
  let body: Buffer | undefined = u.bytes
  if (u.chunkSize !== undefined && u.chunkSize > 0) {
    for (let start = 0; start < u.bytes.length; start += u.chunkSize) {
      const chunk = u.bytes.subarray(start, Math.min(start + u.chunkSize, u.bytes.length))
      const res = await client.fetch({
        method: 'PATCH',
        url: location,
        scopes: u.scopes,
        doing: u.doing,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `${start}-${start + chunk.length - 1}`,
        },
        body: Buffer.from(chunk),
      })
      await res.body?.cancel()
      location = res.headers.get('location') ?? location
    }
    body = undefined
  }
  const close = client.url(location)
  close.searchParams.set('digest', u.digest)
  const res = await client.fetch({
    method: 'PUT',
    url: close.toString(),
    scopes: u.scopes,
    doing: u.doing,
    headers: { 'content-type': 'application/octet-stream' },
    ...(body ? { body } : {}),
  })
  await res.body?.cancel()
  const said = res.headers.get('docker-content-digest')
  if (said && said !== u.digest)
    throw new GostaticError(
      ErrorCode.DIGEST_MISMATCH,
      `registry ${client.registry} stored blob ${u.digest} as ${said} while ${u.doing}`,
    )
}
