// One limit for the whole process on blob uploads and downloads: a
// workspace that pushes ten services opens no more transfers than a single
// push would, which is what keeps large pushes clear of a registry's 429s.
import { Response } from 'undici'
import { DEFAULT_CONCURRENCY } from './network-options.js'

class Limiter {
  #limit = DEFAULT_CONCURRENCY
  #active = 0
  readonly #waiting: (() => void)[] = []

  get limit(): number {
    return this.#limit
  }

  /** The last caller that names a limit sets it for everyone (the API option, the CLI flag). */
  setLimit(n: number): void {
    this.#limit = n
    this.#wake()
  }

  async acquire(): Promise<() => void> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    else this.#active++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#active--
      this.#wake()
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await fn()
    } finally {
      release()
    }
  }

  #wake(): void {
    while (this.#active < this.#limit && this.#waiting.length > 0) {
      this.#active++
      this.#waiting.shift()!()
    }
  }
}

export const transfers = new Limiter()

/**
 * The same response, whose body gives the slot back when it ends, fails or
 * is cancelled: a download holds its slot for as long as bytes flow.
 */
export function releaseWithBody(res: Response, release: () => void): Response {
  if (!res.body) {
    release()
    return res
  }
  const reader = res.body.getReader()
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          release()
          c.close()
        } else c.enqueue(value)
      } catch (e) {
        release()
        c.error(e)
      }
    },
    async cancel(reason) {
      release()
      await reader.cancel(reason)
    },
  })
  const out = new Response(body as ConstructorParameters<typeof Response>[0], {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  })
  Object.defineProperty(out, 'url', { value: res.url })
  return out
}
