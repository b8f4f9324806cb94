/**
 * Where to go after signing in: the `from` the sign-in link carried, if it is a path of this site.
 * It comes from the URL, so an absolute or protocol-relative address (an open redirect) is ignored.
 */
export function safeReturnPath(from: string | null): string {
  if (!from || !from.startsWith('/') || from.startsWith('//') || from.startsWith('/\\') || from.startsWith('/sign-in')) return '/';
  return from;
}
