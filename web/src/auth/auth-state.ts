// Who is signed in, for the whole app. The session itself lives in httpOnly cookies the script
// cannot read; the app learns about it from GET /users/me, keeps it alive through the API
// client's silent refresh, and hears from other tabs when the user signs in or out there.
import { api, unwrap } from '../api/client.ts';
import { readCsrfToken } from '../api/csrf.ts';
import { ApiError } from '../api/problem.ts';
import { broadcast, onBroadcast, onSessionLost } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { createStore } from '../lib/store.ts';
import { location, navigate } from '../router.tsx';

export type AuthState =
  | { status: 'loading' }
  | { status: 'unreachable' }
  | { status: 'signed-out'; reason?: 'expired' | 'elsewhere' }
  | { status: 'signed-in'; user: User };

export const auth = createStore<AuthState>({ status: 'loading' });

export function currentUser(): User | undefined {
  const state = auth.get();
  return state.status === 'signed-in' ? state.user : undefined;
}

/** Asks the server who we are. Without the CSRF cookie there is no session to ask about. */
export async function loadCurrentUser(): Promise<void> {
  if (!readCsrfToken()) {
    auth.set({ status: 'signed-out' });
    return;
  }
  try {
    const user = await unwrap(api.GET('/api/v1/users/me'));
    auth.set({ status: 'signed-in', user });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) auth.set({ status: 'signed-out' });
    else auth.set({ status: 'unreachable' });
  }
}

export function signedIn(user: User): void {
  auth.set({ status: 'signed-in', user });
  broadcast({ type: 'signed-in' });
}

export function updateUser(user: User): void {
  if (auth.get().status === 'signed-in') auth.set({ status: 'signed-in', user });
}

/** Sends the user to the login page, remembering where they were. */
function toLogin(reason: 'expired' | 'elsewhere' | undefined): void {
  const here = location.get();
  const wasSignedIn = auth.get().status === 'signed-in';
  auth.set({ status: 'signed-out', reason });
  if (!wasSignedIn || here.path === '/login' || here.path === '/signup') return;
  navigate(`/login?next=${encodeURIComponent(here.href)}`, { replace: true });
}

const signOutTasks = new Set<() => Promise<void>>();

/** Work to finish while the session still exists, such as an editor saving its note. */
export function beforeSignOut(task: () => Promise<void>): () => void {
  signOutTasks.add(task);
  return () => signOutTasks.delete(task);
}

/** Ends this browser's session and goes to the login page. */
export async function signOut(): Promise<void> {
  await Promise.allSettled([...signOutTasks].map((task) => task()));
  try {
    await unwrap(api.POST('/api/v1/auth/logout', { body: { scope: 'session' } }));
  } catch (error) {
    // A session that is already gone is as good as logged out.
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  auth.set({ status: 'signed-out' });
  broadcast({ type: 'signed-out' });
  navigate('/login', { replace: true });
}

/** The account was deleted: nothing left to sign out of. */
export function accountDeleted(): void {
  auth.set({ status: 'signed-out' });
  broadcast({ type: 'signed-out' });
  navigate('/signup', { replace: true });
}

onSessionLost(() => {
  if (auth.get().status !== 'signed-in') return;
  toLogin('expired');
  broadcast({ type: 'signed-out' });
});

onBroadcast((message) => {
  if (message.type === 'signed-out' && auth.get().status === 'signed-in') toLogin('elsewhere');
  if (message.type === 'signed-in' && auth.get().status !== 'signed-in') void loadCurrentUser();
});
