// Tags an image's signatures, attestations and SBOMs (cosign's tag scheme)
// after the image is pushed by digest and before its own tag: a registry
// that refuses one gets back every attachment tag this push wrote, so no tag
// is left pointing at a half-attached image.
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import type { AttachmentInfo } from '../oci/oci-attachments.js'
import { Media } from '../oci/media-types.js'
import type { ImageRef } from '../spec/image-ref.js'
import { RegistryClient, repoScope } from './registry-client.js'
import type { PushProgress } from './registry-options.js'

const ORDER = { sig: 0, att: 1, sbom: 2 } as const

export interface AttachmentManifest {
  readonly info: AttachmentInfo
  readonly bytes: Buffer
}

export async function tagAttachments(
  client: RegistryClient,
  ref: ImageRef,
  attachments: readonly AttachmentManifest[],
  progress: (e: PushProgress) => void,
): Promise<void> {
  const written: AttachmentManifest[] = []
  const sorted = [...attachments].sort((a, b) => ORDER[a.info.kind] - ORDER[b.info.kind])
  for (const a of sorted) {
    try {
      const existed = await existing(client, ref, a.info.tag)
      await put(client, ref, a)
      if (existed !== a.info.digest) written.push(a)
      progress({ kind: 'manifest', digest: a.info.digest, reference: a.info.tag })
    } catch (e) {
      const left = await rollBack(client, ref, written)
      const why = isGostaticError(e) ? e.message : String(e)
      const undone =
        written.length === 0
          ? 'no attachment tag was written'
          : left.length === 0
            ? `the ${written.length} attachment tag(s) written before were removed`
            : `these attachment tags could not be removed: ${left.join(', ')}`
      throw new GostaticError(
        isGostaticError(e) ? e.code : ErrorCode.REGISTRY_ERROR,
        `attaching ${a.info.tag} to ` +
          `${ref.registry}/${ref.repository} failed: ${why}; the image tag ${ref.tag} was not written and ${undone}`,
        {
          hint: isGostaticError(e) ? e.hint : undefined,
          cause: e,
        },
      )
    }
  }
}

async function existing(client: RegistryClient, ref: ImageRef, tag: string): Promise<string | null> {
  const res = await client.fetch({
    method: 'HEAD',
    url: `/v2/${ref.repository}/manifests/${tag}`,
    scopes: [repoScope(ref.repository, true)],
    doing: `checking ${tag}`,
    headers: { accept: Media.ociManifest },
    pass: [404],
  })
  return res.ok ? res.headers.get('docker-content-digest') : null
}

async function put(client: RegistryClient, ref: ImageRef, a: AttachmentManifest): Promise<void> {
  const res = await client.fetch({
    method: 'PUT',
    url: `/v2/${ref.repository}/manifests/${a.info.tag}`,
    scopes: [repoScope(ref.repository, true)],
    doing: `pushing ${a.info.tag} to ${ref.registry}/${ref.repository}`,
    headers: { 'content-type': Media.ociManifest },
    body: a.bytes,
  })
  await res.body?.cancel()
  const said = res.headers.get('docker-content-digest')
  if (said && said !== a.info.digest)
    throw new GostaticError(
      ErrorCode.DIGEST_MISMATCH,
      `registry ${ref.registry} stored ${a.info.tag} as ${said}, not ${a.info.digest}`,
    )
}

/** Deletes what this push tagged; returns the tags that are still there. */
async function rollBack(
  client: RegistryClient,
  ref: ImageRef,
  written: readonly AttachmentManifest[],
): Promise<string[]> {
  const left: string[] = []
  for (const a of written) {
    try {
      const res = await client.fetch({
        method: 'DELETE',
        url: `/v2/${ref.repository}/manifests/${a.info.digest}`,
        scopes: [repoScope(ref.repository, true)],
        doing: `removing ${a.info.tag}`,
        pass: [404],
      })
      await res.body?.cancel()
    } catch {
      left.push(a.info.tag)
    }
  }
  return left
}
