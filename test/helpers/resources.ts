// Notes and to-dos through the public API, for tests: create, read pages, check problems.
import assert from 'node:assert/strict';
import type { App } from '../../src/app.ts';
import type { Note } from '../../src/notes/schemas.ts';
import type { Todo } from '../../src/todos/schemas.ts';

export type Headers = Record<string, string>;

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json<T = unknown>(): T;
}

export interface Problem {
  code: string;
  status: number;
  type: string;
  errors?: { field: string; message: string }[];
}

/** Asserts a problem+json answer with this status and code, and returns its body. */
export function expectProblem(response: Answer, status: number, code: string): Problem {
  assert.equal(response.statusCode, status, `expected ${status} ${code}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json<Problem>();
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(body.type, `/problems/${code}`);
  return body;
}

export async function createNote(
  app: App,
  headers: Headers,
  body: Record<string, unknown>,
): Promise<Note> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/notes',
    headers,
    payload: body,
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<Note>();
}

export async function createTodo(
  app: App,
  headers: Headers,
  body: Record<string, unknown>,
): Promise<Todo> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/todos',
    headers,
    payload: body,
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<Todo>();
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export async function getPage<T>(app: App, headers: Headers, url: string): Promise<Page<T>> {
  const response = await app.inject({ url, headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<Page<T>>();
}

/**
 * Every item of a list, page by page (`query` without limit or cursor). `between` runs after
 * each page, before the next is read: a place to change the data under the walk.
 */
export async function walkList<T>(
  app: App,
  headers: Headers,
  path: string,
  options: { query?: string; limit?: number; between?: (page: number) => Promise<void> } = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  // Bounded: a list that never ends is a failure, not a hang.
  for (let page = 0; page < 1_000; page++) {
    const params = new URLSearchParams(options.query ?? '');
    params.set('limit', String(options.limit ?? 20));
    if (cursor !== null) params.set('cursor', cursor);
    const answer: Page<T> = await getPage<T>(app, headers, `${path}?${params.toString()}`);
    items.push(...answer.items);
    cursor = answer.next_cursor;
    if (cursor === null) return items;
    await options.between?.(page);
  }
  throw new Error('the list did not end');
}
