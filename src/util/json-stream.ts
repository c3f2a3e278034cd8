// go list -json (and go work edit -json) print one indented object after
// another with no separator. Go's encoder indents nested values, so a
// top-level object is the only thing that closes with "}" at the start of a line.
export function splitJsonStream(text: string): string[] {
  return text
    .split(/^}$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => `${s}\n}`)
}
