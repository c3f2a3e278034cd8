// The platforms an image base offers, for platforms 'all': its index's
// runnable entries, or the one platform its config names. Only manifests
// (and, for a single image, its config) are fetched, each checked against
// its digest; no layer is.
import { ErrorCode, GostaticError } from '../errors.js'
import { docKind, type IndexDoc } from '../oci/media-types.js'
import { parseImageRef } from '../spec/image-ref.js'
import { normalPlatformKey, runnablePlatforms } from './platform-match.js'
import { ManifestReader } from './remote-image.js'
import { RegistryClient } from './registry-client.js'
import type { RegistryOptions } from './registry-options.js'

export async function readBasePlatforms(
  refText: string,
  opts: RegistryOptions = {},
): Promise<{ ref: string; platforms: string[] }> {
  const parsed = parseImageRef(refText)
  if (!parsed.ok) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `image '${refText}': ${parsed.reason}`)
  const ref = parsed.ref
  const reader = new ManifestReader(new RegistryClient(ref.registry, opts), ref, refText)
  const top = await reader.manifest(ref.digest ?? ref.tag!, ref.digest)
  if (docKind(top.doc, top.contentType) === 'index') {
    const entries = runnablePlatforms(top.doc as IndexDoc)
    return { ref: refText, platforms: [...new Set(entries.map((d) => normalPlatformKey(d.platform!)))] }
  }
  if (!top.doc.config) throw reader.malformed('its manifest has no config')
  const bytes = await reader.blob(top.doc.config)
  let config: { os?: string; architecture?: string; variant?: string }
  try {
    config = JSON.parse(bytes.toString('utf8')) as typeof config
  } catch {
    throw reader.malformed(`its config ${top.doc.config.digest} is not JSON`)
  }
  return { ref: refText, platforms: [normalPlatformKey(config)] }
}
