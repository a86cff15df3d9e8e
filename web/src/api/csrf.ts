// The CSRF token of cookie sessions (API.md, "Authentication"): the server sets it in the
// script-readable `jotter_csrf` cookie and wants it back in `X-CSRF-Token` on every unsafe request.

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readCsrfToken(): string | undefined {
  const match = /(?:^|;\s*)jotter_csrf=([^;]*)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/** Adds `X-CSRF-Token` to an unsafe request, read from the cookie at the moment it is sent. */
export function addCsrfHeader(request: Request): Request {
  const token = readCsrfToken();
  if (token && UNSAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', token);
  return request;
}
