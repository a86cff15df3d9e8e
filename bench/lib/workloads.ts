// The request mixes of each workload (README.md in bench/ describes them). Every list of requests
// rotates through the seeded users; each connection walks the list from its start.
import type { LoadRequest, LoadStream } from './load.ts';
import { sampleNote, type BenchUser } from './seed.ts';

export const CONNECTIONS = { login: 16, read: 64, write: 64, mixed: 64, big: 64 } as const;

function bearer(user: BenchUser): Record<string, string> {
  return { authorization: `Bearer ${user.token}` };
}

function listRequest(user: BenchUser, query = ''): LoadRequest {
  return { method: 'GET', path: `/api/v1/notes${query}`, headers: bearer(user) };
}

function createRequest(user: BenchUser, index: number, seed: number): LoadRequest {
  return {
    method: 'POST',
    path: '/api/v1/notes',
    headers: bearer(user),
    body: JSON.stringify(sampleNote(index, seed)),
  };
}

/** W-login: POST /api/v1/auth/login, rotating through the users. */
export function loginStream(url: string, users: BenchUser[]): LoadStream {
  return {
    url,
    connections: CONNECTIONS.login,
    requests: users.map((user) => ({
      method: 'POST',
      path: '/api/v1/auth/login',
      body: JSON.stringify({ email: user.email, password: user.password }),
    })),
  };
}

/** W-read: each user's newest 20 notes, rotating through the users' tokens. */
export function readStream(url: string, users: BenchUser[]): LoadStream {
  return { url, connections: CONNECTIONS.read, requests: users.map((user) => listRequest(user)) };
}

/** W-write: a new note for each user in turn. */
export function writeStream(url: string, users: BenchUser[]): LoadStream {
  return {
    url,
    connections: CONNECTIONS.write,
    requests: users.map((user, i) => createRequest(user, i, 1000 + i)),
  };
}

/** W-mixed: nine list reads, then one new note, rotating through the users. */
export function mixedStream(url: string, users: BenchUser[]): LoadStream {
  const requests: LoadRequest[] = [];
  const length = Math.max(10, Math.ceil(users.length / 10) * 10);
  for (let i = 0; i < length; i++) {
    const user = users[i % users.length]!;
    requests.push(i % 10 === 9 ? createRequest(user, i, 2000 + i) : listRequest(user));
  }
  return { url, connections: CONNECTIONS.mixed, requests };
}

/** One user's list (a page or a search), over and over: the W-big measurements. */
export function singleUserStream(url: string, user: BenchUser, query = ''): LoadStream {
  return { url, connections: CONNECTIONS.big, requests: [listRequest(user, query)] };
}

/** Ceiling `static`: the fixed page, no credentials. */
export function staticCeilingStream(url: string): LoadStream {
  return {
    url,
    connections: CONNECTIONS.read,
    requests: [{ method: 'GET', path: '/api/v1/notes' }],
  };
}

/** Ceiling `pg`: the same list query for each user in turn, named in the query string. */
export function pgCeilingStream(url: string, userIds: string[]): LoadStream {
  return {
    url,
    connections: CONNECTIONS.read,
    requests: userIds.map((id) => ({
      method: 'GET',
      path: `/api/v1/notes?user=${encodeURIComponent(id)}`,
    })),
  };
}
