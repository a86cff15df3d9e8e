// /api/v1/todos as API.md writes it: shapes, headers, done and completed_at, real calendar dates,
// ownership, versions, both ways of authenticating.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Todo } from '../../src/todos/schemas.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithCookies, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createTodo, expectProblem } from '../helpers/resources.ts';

const TODO_KEYS = [
  'completed_at',
  'created_at',
  'done',
  'due_date',
  'id',
  'title',
  'updated_at',
  'version',
];

for (const engine of await testEngines()) {
  describe(`todos (${engine.name})`, () => {
    test('create answers 201 with the to-do, Location and ETag; read gives it back', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/todos',
        headers: alice.headers,
        payload: { title: ' Call mum ', due_date: '2024-02-29' },
      });
      assert.equal(response.statusCode, 201);
      const todo = response.json<Todo>();
      assert.deepEqual(Object.keys(todo).sort(), TODO_KEYS);
      assert.equal(response.headers.location, `/api/v1/todos/${todo.id}`);
      assert.equal(response.headers.etag, '"1"');
      assert.equal(todo.title, ' Call mum ');
      assert.equal(todo.done, false);
      assert.equal(todo.due_date, '2024-02-29');
      assert.equal(todo.completed_at, null);
      assert.equal(todo.version, 1);
      assert.equal(todo.updated_at, todo.created_at);
      const read = await app.inject({ url: `/api/v1/todos/${todo.id}`, headers: alice.headers });
      assert.equal(read.headers.etag, '"1"');
      assert.deepEqual(read.json(), todo);

      const done = await createTodo(app, alice.headers, { title: 'done already', done: true });
      assert.equal(done.done, true);
      assert.equal(done.completed_at, done.created_at);
      assert.equal(done.due_date, null);
      const undated = await createTodo(app, alice.headers, { title: 'x', due_date: null });
      assert.equal(undated.due_date, null);
    });

    test('dates must be real calendar days; titles 1..200 code points; nothing coerced', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      await createTodo(app, alice.headers, { title: '😀'.repeat(200), due_date: '2000-02-29' });
      const refused: [Record<string, unknown>, string][] = [
        [{ title: 'x', due_date: '2023-02-29' }, '/due_date'],
        [{ title: 'x', due_date: '2024-02-30' }, '/due_date'],
        [{ title: 'x', due_date: '1900-02-29' }, '/due_date'],
        [{ title: 'x', due_date: '2024-13-01' }, '/due_date'],
        [{ title: 'x', due_date: '2024-1-01' }, '/due_date'],
        [{ title: 'x', due_date: '2024-01-01T00:00:00Z' }, '/due_date'],
        [{ title: 'x', due_date: 20240101 }, '/due_date'],
        [{ title: 'x', due_date: '' }, '/due_date'],
        [{ title: 'x', done: 'true' }, '/done'],
        [{ title: 'x', done: null }, '/done'],
        [{ title: '' }, '/title'],
        [{ title: 'x'.repeat(201) }, '/title'],
        [{ title: 'a\u0000' }, '/title'],
        [{ title: 'x', completed_at: '2024-01-01T00:00:00.000Z' }, '/completed_at'],
        [{ title: 'x', user_id: 'someone' }, '/user_id'],
        [{ title: 'x', id: 'mine' }, '/id'],
        [{ title: 'x', version: 7 }, '/version'],
      ];
      for (const [payload, field] of refused) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/todos',
          headers: alice.headers,
          payload,
        });
        const problem = expectProblem(response, 400, 'validation_failed');
        assert.equal(problem.errors?.[0]?.field, field, JSON.stringify(payload));
      }
      for (const key of ['__proto__', 'constructor']) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/todos',
          headers: { ...alice.headers, 'content-type': 'application/json' },
          payload: `{"title":"x","${key}":{"done":true}}`,
        });
        expectProblem(response, 400, 'validation_failed');
      }
    });

    test('done sets completed_at and keeps it; not done clears it; due_date null clears', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const todo = await createTodo(app, alice.headers, { title: 'x', due_date: '2030-01-01' });
      const url = `/api/v1/todos/${todo.id}`;
      const patch = async (payload: object, ifMatch?: string) =>
        app.inject({
          method: 'PATCH',
          url,
          headers: ifMatch ? { ...alice.headers, 'if-match': ifMatch } : alice.headers,
          payload,
        });
      const done = (await patch({ done: true }, '"1"')).json<Todo>();
      assert.equal(done.done, true);
      assert.ok(done.completed_at !== null && done.completed_at >= todo.created_at);
      assert.equal(done.version, 2);
      const again = (await patch({ done: true, title: 'renamed' })).json<Todo>();
      assert.equal(again.completed_at, done.completed_at);
      assert.equal(again.title, 'renamed');
      const reopened = (await patch({ done: false })).json<Todo>();
      assert.equal(reopened.done, false);
      assert.equal(reopened.completed_at, null);
      const cleared = await patch({ due_date: null });
      assert.equal(cleared.headers.etag, '"5"');
      assert.equal(cleared.json<Todo>().due_date, null);
      const same = await patch({});
      assert.equal(same.json<Todo>().version, 5);
      expectProblem(await patch({ title: 'lost' }, '"4"'), 412, 'version_conflict');
      expectProblem(await patch({ due_date: '2023-02-29' }), 400, 'validation_failed');
      const stored = await app.inject({ url, headers: alice.headers });
      assert.equal(stored.json<Todo>().title, 'renamed');

      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((writer) => patch({ title: `writer ${writer}` }, '"5"')),
      );
      assert.equal(answers.filter((answer) => answer.statusCode === 200).length, 1);
      assert.equal(answers.filter((answer) => answer.statusCode === 412).length, 4);

      expectProblem(
        await app.inject({
          method: 'DELETE',
          url,
          headers: { ...alice.headers, 'if-match': '"5"' },
        }),
        412,
        'version_conflict',
      );
      const removed = await app.inject({ method: 'DELETE', url, headers: alice.headers });
      assert.equal(removed.statusCode, 204);
      expectProblem(await app.inject({ url, headers: alice.headers }), 404, 'not_found');
    });

    test("another user's to-do is 404 everywhere and never listed; cookies need CSRF", async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const todo = await createTodo(app, alice.headers, { title: 'private' });
      const url = `/api/v1/todos/${todo.id}`;
      expectProblem(await app.inject({ url, headers: bob.headers }), 404, 'not_found');
      for (const method of ['PATCH', 'DELETE'] as const) {
        const response = await app.inject({
          method,
          url,
          headers: bob.headers,
          payload: { done: true },
        });
        expectProblem(response, 404, 'not_found');
      }
      for (const id of ['nope', '%00', todo.id.toUpperCase()]) {
        const response = await app.inject({ url: `/api/v1/todos/${id}`, headers: alice.headers });
        expectProblem(response, 404, 'not_found');
      }
      const bobs = await app.inject({ url: '/api/v1/todos', headers: bob.headers });
      assert.deepEqual(bobs.json(), { items: [], next_cursor: null });
      expectProblem(await app.inject({ url: '/api/v1/todos' }), 401, 'unauthenticated');

      const session = await loginWithCookies(app, alice.email, alice.password);
      const noCsrf = await app.inject({
        method: 'PATCH',
        url,
        headers: { cookie: session.headers.cookie },
        payload: { done: true },
      });
      expectProblem(noCsrf, 403, 'csrf_failed');
      const withCsrf = await app.inject({
        method: 'PATCH',
        url,
        headers: session.headers,
        payload: { done: true },
      });
      assert.equal(withCsrf.statusCode, 200);
      const listed = await app.inject({
        url: '/api/v1/todos',
        headers: { cookie: session.headers.cookie },
      });
      assert.equal(listed.json<{ items: Todo[] }>().items[0]?.done, true);
    });
  });
}
