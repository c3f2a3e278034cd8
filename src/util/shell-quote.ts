// POSIX shell quoting for rendered RUN lines.
export function shq(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s
  return `'${s.replace(/'/g, `'\\''`)}'`
}

export function shJoin(args: readonly string[]): string {
  return args.map(shq).join(' ')
}
