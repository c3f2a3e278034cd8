// A blob upload that fails part-way cannot be resumed reliably (registries
// differ on what a broken PATCH left behind), so it starts over: a new
// upload session, the whole blob again, under the client's retry budget.
import { ErrorCode, GostaticError } from '../errors.js'
import type { RegistryClient } from './registry-client.js'
import { isTransient } from './registry-errors.js'
import { nextDelay } from './retry-policy.js'
import { uploadBlob, type Upload } from './upload-blob.js'

/** Opens an upload session and returns its Location. */
export type OpenSession = () => Promise<string>

export async function uploadWithRestarts(
  client: RegistryClient,
  /** A session already open (a mount the registry could not do opens one), else undefined. */
  first: string | undefined,
  open: OpenSession,
  u: Omit<Upload, 'location'>,
): Promise<void> {
  const t0 = Date.now()
  let location = first
  for (let attempt = 1; ; attempt++) {
    try {
      location ??= await open()
      await uploadBlob(client, { ...u, location })
      return
    } catch (e) {
      if (!isTransient(e)) throw e
      const wait = nextDelay(client.retryBudget, attempt, Date.now() - t0, undefined, Math.random())
      if (wait === undefined) {
        // The error keeps its class and fields (a timeout's URL and limit); only its text grows.
        const err = e as GostaticError
        const secs = ((Date.now() - t0) / 1000).toFixed(1)
        err.message += `; the upload of ${u.digest} was started ${attempt} times in ${secs} s, each in a new session`
        throw err
      }
      await client.pause(wait, u.doing)
      location = undefined
    }
  }
}

/** The Location of a new upload session for `repo`. */
export async function openSession(
  client: RegistryClient,
  repo: string,
  scopes: readonly string[],
  doing: string,
): Promise<string> {
  const res = await client.fetch({ method: 'POST', url: `/v2/${repo}/blobs/uploads/`, scopes, doing })
  await res.body?.cancel()
  const location = res.headers.get('location')
  if (!location)
    throw new GostaticError(
      ErrorCode.REGISTRY_ERROR,
      `registry ${client.registry} opened an upload without a Location while ${doing}`,
    )
  return location
}
