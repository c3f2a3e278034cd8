// SPDX identifiers that are stable and unique: the same facts give the same
// IDs, and two modules whose names sanitize alike still differ by a hash.
import { createHash } from 'node:crypto'

export function spdxId(kind: string, ...parts: string[]): string {
  const key = parts.join('@')
  const readable = key
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8)
  return `SPDXRef-${kind}-${readable ? `${readable}-` : ''}${hash}`
}
