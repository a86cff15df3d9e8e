// WORKERS=2: two server processes on one port. A revocation in one worker reaches the other at
// once, and login throttling counts across both.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestDatabase, testEngines } from '../helpers/databases.ts';
import { startServerProcess } from '../helpers/server.ts';

async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      // A new connection per request, so the primary spreads requests over the workers.
      connection: 'close',
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

for (const engine of await testEngines()) {
  describe(`WORKERS=2 (${engine.name})`, () => {
    test('revocation reaches every worker and throttling counts across them', async (t) => {
      const database = await createTestDatabase(engine);
      t.after(() => database.drop());
      const server = await startServerProcess({
        ...database.env,
        WORKERS: '2',
        LOGIN_MAX_FAILURES: '3',
      });
      t.after(() => server.stop('SIGKILL'));
      const email = `workers-${Date.now()}@example.com`;
      const password = 'correct horse battery staple';
      const registered = await call(server.url, '/api/v1/auth/register', {
        method: 'POST',
        body: { email, password },
      });
      assert.equal(registered.status, 201);
      const token = (registered.body as { access_token: string }).access_token;

      for (let i = 0; i < 8; i++)
        assert.equal((await call(server.url, '/api/v1/users/me', { token })).status, 200);
      const servedBy = new Set(
        [...server.output().matchAll(/"pid":(\d+)[^\n]*"request completed"/g)].map(
          (match) => match[1],
        ),
      );
      assert.equal(servedBy.size, 2, 'both workers answered');

      assert.equal(
        (await call(server.url, '/api/v1/auth/logout', { method: 'POST', token })).status,
        204,
      );
      for (let i = 0; i < 8; i++)
        assert.equal((await call(server.url, '/api/v1/users/me', { token })).status, 401);

      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push(
          (
            await call(server.url, '/api/v1/auth/login', {
              method: 'POST',
              body: { email, password: 'wrong password!' },
            })
          ).status,
        );
      assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
      assert.equal(
        (
          await call(server.url, '/api/v1/auth/login', {
            method: 'POST',
            body: { email, password },
          })
        ).status,
        429,
      );

      assert.equal(await server.stop('SIGTERM'), 0);
    });

    test('note creates at once through both workers: each found by search once answered', async (t) => {
      const database = await createTestDatabase(engine);
      t.after(() => database.drop());
      const server = await startServerProcess({ ...database.env, WORKERS: '2' });
      t.after(() => server.stop('SIGKILL'));
      const registered = await call(server.url, '/api/v1/auth/register', {
        method: 'POST',
        body: {
          email: `workers-notes-${Date.now()}@example.com`,
          password: 'correct horse battery',
        },
      });
      assert.equal(registered.status, 201);
      const token = (registered.body as { access_token: string }).access_token;

      // 12 writers at once, so that both workers commit groups of creates into one file.
      const count = 60;
      let next = 0;
      const found: string[] = [];
      async function writer(): Promise<void> {
        while (next < count) {
          const word = `unique${next++}word`;
          const created = await call(server.url, '/api/v1/notes', {
            method: 'POST',
            body: { title: `Note ${word}`, tags: ['w'] },
            token,
          });
          assert.equal(created.status, 201);
          // The 201 means committed: a search on either worker finds the note at once.
          const search = await call(server.url, `/api/v1/notes?q=${word}`, { token });
          const items = (search.body as { items: { id: string }[] }).items;
          assert.deepEqual(
            items.map((item) => item.id),
            [(created.body as { id: string }).id],
          );
          found.push(word);
        }
      }
      await Promise.all(Array.from({ length: 12 }, writer));
      assert.equal(found.length, count);
      const list = await call(server.url, '/api/v1/notes?limit=100&tag=w', { token });
      assert.equal((list.body as { items: unknown[] }).items.length, count);
      const servedBy = new Set(
        [...server.output().matchAll(/"pid":(\d+)[^\n]*"request completed"/g)].map(
          (match) => match[1],
        ),
      );
      assert.equal(servedBy.size, 2, 'both workers answered');
      assert.equal(await server.stop('SIGTERM'), 0);
    });

    test('logins while both workers write: every one answered', async (t) => {
      // A login reads the account, then inserts its session in one transaction; on SQLite it
      // must wait for the file's write lock when the other worker holds it, never fail.
      const database = await createTestDatabase(engine);
      t.after(() => database.drop());
      const server = await startServerProcess({ ...database.env, WORKERS: '2' });
      t.after(() => server.stop('SIGKILL'));
      const credentials = {
        email: `workers-logins-${Date.now()}@example.com`,
        password: 'correct horse battery',
      };
      const registered = await call(server.url, '/api/v1/auth/register', {
        method: 'POST',
        body: credentials,
      });
      assert.equal(registered.status, 201);
      const token = (registered.body as { access_token: string }).access_token;

      let writing = true;
      const statuses: number[] = [];
      async function writer(): Promise<void> {
        while (writing) {
          const created = await call(server.url, '/api/v1/notes', {
            method: 'POST',
            body: { title: 'written while others log in', tags: ['a', 'b'] },
            token,
          });
          statuses.push(created.status);
        }
      }
      async function logins(): Promise<number[]> {
        const answers: number[] = [];
        for (let i = 0; i < 6; i++) {
          const login = await call(server.url, '/api/v1/auth/login', {
            method: 'POST',
            body: credentials,
          });
          answers.push(login.status);
        }
        return answers;
      }
      const writers = Promise.all(Array.from({ length: 8 }, writer));
      const answered = (await Promise.all(Array.from({ length: 4 }, logins))).flat();
      writing = false;
      await writers;
      assert.deepEqual(answered, Array<number>(24).fill(200));
      assert.ok(statuses.length > 0);
      assert.ok(
        statuses.every((status) => status === 201),
        `creates: ${statuses.join(',')}`,
      );
      assert.equal(await server.stop('SIGTERM'), 0);
    });
  });
}
