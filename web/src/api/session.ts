// Keeps a cookie session alive. An API call answered 401 (the access token expired) triggers one
// refresh, then the call is retried once. Several tabs share the cookies, so they must not all
// refresh at once: a Web Lock lets one tab refresh while the others wait, and a counter in
// localStorage tells a waiting tab that the refresh it wanted has already happened. Without Web
// Locks (plain-http deployments are not a secure context) the server's reuse grace covers the
// race. Tabs also tell each other, over a BroadcastChannel, when the user signs in or out.
import { addCsrfHeader } from './csrf.ts';

const REFRESH_URL = '/api/v1/auth/refresh';
const LOCK_NAME = 'jotter-session-refresh';
const GENERATION_KEY = 'jotter.session-generation';
/** Calls that answer 401 for reasons other than an expired access token. */
const NO_REFRESH = new Set(['/api/v1/auth/login', '/api/v1/auth/register', REFRESH_URL]);

export type SessionMessage = { type: 'refreshed' } | { type: 'signed-in' } | { type: 'signed-out' };

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('jotter') : undefined;
const lostListeners = new Set<() => void>();

export function broadcast(message: SessionMessage): void {
  channel?.postMessage(message);
}

export function onBroadcast(listener: (message: SessionMessage) => void): () => void {
  const handler = (event: MessageEvent<SessionMessage>): void => listener(event.data);
  channel?.addEventListener('message', handler);
  return () => channel?.removeEventListener('message', handler);
}

/** Called when the session is gone for good (the refresh was refused). */
export function onSessionLost(listener: () => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

function readGeneration(): string {
  try {
    return localStorage.getItem(GENERATION_KEY) ?? '0';
  } catch {
    return '0';
  }
}

function bumpGeneration(): void {
  try {
    localStorage.setItem(GENERATION_KEY, String(Number(readGeneration()) + 1));
  } catch {
    // Storage may be disabled; the lock alone still serialises refreshes.
  }
}

/** The refresh failed for a reason other than a dead session (rate limit, server error). */
export class RefreshUnavailableError extends Error {
  override name = 'RefreshUnavailableError';
}

async function postRefresh(): Promise<boolean> {
  const response = await fetch(addCsrfHeader(new Request(REFRESH_URL, { method: 'POST' })));
  if (response.ok) {
    bumpGeneration();
    broadcast({ type: 'refreshed' });
    return true;
  }
  if (response.status === 401 || response.status === 403) return false;
  throw new RefreshUnavailableError(`refresh answered ${response.status}`);
}

let pending: Promise<boolean> | undefined;

/**
 * Refreshes the session unless another tab did since `seenGeneration` (read when the failed
 * request was sent). Resolves true when a fresh access token is in the cookies.
 */
export function refreshSession(seenGeneration: string): Promise<boolean> {
  pending ??= (async () => {
    if (!navigator.locks) return postRefresh();
    return navigator.locks.request(LOCK_NAME, () =>
      readGeneration() !== seenGeneration ? true : postRefresh(),
    );
  })().finally(() => (pending = undefined));
  return pending;
}

function isRefreshable(request: Request): boolean {
  const url = new URL(request.url);
  return (
    url.origin === window.location.origin &&
    url.pathname.startsWith('/api/') &&
    !NO_REFRESH.has(url.pathname)
  );
}

/** The `fetch` of the API client: CSRF header, then refresh-and-retry-once on a 401. */
export async function sessionFetch(request: Request): Promise<Response> {
  const retry = isRefreshable(request) ? request.clone() : undefined;
  const generation = readGeneration();
  const response = await fetch(addCsrfHeader(request));
  if (response.status !== 401 || !retry) return response;
  if (await refreshSession(generation)) {
    const retried = await fetch(addCsrfHeader(retry));
    if (retried.status !== 401) return retried;
  }
  for (const listener of [...lostListeners]) listener();
  return response;
}
