// Squarified treemap layout (Bruls, Huizing and van Wijk, 2000): areas
// proportional to values, rectangles kept close to square so that small
// packages stay legible. Pure geometry; the SVG is drawn elsewhere.

export interface Rect {
  readonly x: number
  readonly y: number
  readonly w: number
  readonly h: number
}

export interface Placed<T> {
  readonly item: T
  readonly rect: Rect
}

/** Lays out items with a positive value inside `rect`, largest first; zero or negative values get no rectangle. */
export function squarify<T>(items: readonly T[], value: (t: T) => number, rect: Rect): Placed<T>[] {
  const live = items.filter((t) => value(t) > 0).sort((a, b) => value(b) - value(a))
  const sum = live.reduce((n, t) => n + value(t), 0)
  if (sum === 0 || rect.w <= 0 || rect.h <= 0) return []
  const scale = (rect.w * rect.h) / sum
  const areas = live.map((t) => ({ item: t, area: value(t) * scale }))
  const out: Placed<T>[] = []
  let free = rect
  let row: typeof areas = []
  for (const a of areas) {
    const side = Math.min(free.w, free.h)
    if (row.length === 0 || worst([...row, a], side) <= worst(row, side)) {
      row.push(a)
      continue
    }
    free = placeRow(row, free, out)
    row = [a]
  }
  if (row.length > 0) placeRow(row, free, out)
  return out
}

// The worst aspect ratio of a row laid along a side of length `side`.
function worst(row: readonly { area: number }[], side: number): number {
  const s = row.reduce((n, r) => n + r.area, 0)
  let max = 0
  for (const r of row) max = Math.max(max, (side * side * r.area) / (s * s), (s * s) / (side * side * r.area))
  return max
}

// A row goes along the shorter side of the free space; returns what is left.
function placeRow<T>(row: readonly { item: T; area: number }[], free: Rect, out: Placed<T>[]): Rect {
  const s = row.reduce((n, r) => n + r.area, 0)
  if (free.w >= free.h) {
    const w = s / free.h
    let y = free.y
    for (const r of row) {
      const h = r.area / w
      out.push({ item: r.item, rect: { x: free.x, y, w, h } })
      y += h
    }
    return { x: free.x + w, y: free.y, w: Math.max(0, free.w - w), h: free.h }
  }
  const h = s / free.w
  let x = free.x
  for (const r of row) {
    const w = r.area / h
    out.push({ item: r.item, rect: { x, y: free.y, w, h } })
    x += w
  }
  return { x: free.x, y: free.y + h, w: free.w, h: Math.max(0, free.h - h) }
}
