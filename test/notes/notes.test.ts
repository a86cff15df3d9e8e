// /api/v1/notes as API.md writes it: shapes, headers, limits, errors, ownership, both ways of
// authenticating, and the documented order of checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithCookies, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createNote, expectProblem } from '../helpers/resources.ts';
import type { Note } from '../../src/notes/schemas.ts';

const NOTE_KEYS = [
  'archived',
  'body',
  'created_at',
  'id',
  'pinned',
  'tags',
  'title',
  'updated_at',
  'version',
];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

for (const engine of await testEngines()) {
  describe(`notes (${engine.name})`, () => {
    test('create answers 201 with the note, Location and ETag; read gives it back', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/notes',
        headers: alice.headers,
        payload: { title: ' Groceries ', body: 'e\u0301 😀\n', tags: ['b', 'a', 'b', 'B'] },
      });
      assert.equal(response.statusCode, 201);
      const note = response.json<Note>();
      assert.deepEqual(Object.keys(note).sort(), NOTE_KEYS);
      assert.equal(response.headers.location, `/api/v1/notes/${note.id}`);
      assert.equal(response.headers.etag, '"1"');
      assert.equal(note.title, ' Groceries ');
      assert.equal(note.body, 'e\u0301 😀\n');
      assert.deepEqual(note.tags, ['b', 'a', 'B']);
      assert.equal(note.pinned, false);
      assert.equal(note.archived, false);
      assert.equal(note.version, 1);
      assert.match(note.created_at, ISO_UTC);
      assert.equal(note.updated_at, note.created_at);

      const read = await app.inject({ url: `/api/v1/notes/${note.id}`, headers: alice.headers });
      assert.equal(read.statusCode, 200);
      assert.equal(read.headers.etag, '"1"');
      assert.deepEqual(read.json(), note);
      const head = await app.inject({
        method: 'HEAD',
        url: `/api/v1/notes/${note.id}`,
        headers: alice.headers,
      });
      assert.equal(head.statusCode, 200);
      assert.equal(head.body, '');

      const minimal = await createNote(app, alice.headers, {
        title: 'x',
        pinned: true,
        archived: true,
      });
      assert.equal(minimal.body, '');
      assert.deepEqual(minimal.tags, []);
      assert.equal(minimal.pinned, true);
      assert.equal(minimal.archived, true);
    });

    test('limits count code points; text must be storable; nothing is coerced', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const accepted = await createNote(app, alice.headers, {
        title: '😀'.repeat(200),
        body: '😀'.repeat(100_000),
        tags: Array.from({ length: 20 }, (_, index) =>
          `${'t'.repeat(49)}${index % 10}${index}`.slice(-50),
        ),
      });
      assert.equal(Array.from(accepted.title).length, 200);
      assert.equal(accepted.tags.length, 20);
      const refused: [Record<string, unknown>, string][] = [
        [{}, '/title'],
        [{ title: '' }, '/title'],
        [{ title: 'x'.repeat(201) }, '/title'],
        [{ title: null }, '/title'],
        [{ title: 5 }, '/title'],
        [{ title: 'a\u0000b' }, '/title'],
        [{ title: 'a\ud800' }, '/title'],
        [{ title: 'x', body: 'x'.repeat(100_001) }, '/body'],
        [{ title: 'x', body: null }, '/body'],
        [{ title: 'x', tags: Array.from({ length: 21 }, (_, index) => `t${index}`) }, '/tags'],
        [{ title: 'x', tags: [''] }, '/tags/0'],
        [{ title: 'x', tags: ['x'.repeat(51)] }, '/tags/0'],
        [{ title: 'x', tags: 'a' }, '/tags'],
        [{ title: 'x', tags: [1] }, '/tags/0'],
        [{ title: 'x', pinned: 'true' }, '/pinned'],
        [{ title: 'x', archived: 1 }, '/archived'],
      ];
      for (const [payload, field] of refused) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/notes',
          headers: alice.headers,
          payload,
        });
        const problem = expectProblem(response, 400, 'validation_failed');
        assert.equal(problem.errors?.[0]?.field, field, JSON.stringify(payload).slice(0, 80));
      }
    });

    test('unknown and dangerous body keys are 400 on create and on change', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'mine' });
      const keys = [
        '__proto__',
        'constructor',
        'prototype',
        'user_id',
        'id',
        'version',
        'created_at',
        'updated_at',
        'owner',
      ];
      for (const key of keys) {
        const value = key === '__proto__' || key === 'constructor' ? '{"polluted":true}' : '"x"';
        for (const [method, url] of [
          ['POST', '/api/v1/notes'],
          ['PATCH', `/api/v1/notes/${note.id}`],
        ] as const) {
          const response = await app.inject({
            method,
            url,
            headers: { ...alice.headers, 'content-type': 'application/json' },
            payload: `{"title":"t","${key}":${value}}`,
          });
          const problem = expectProblem(response, 400, 'validation_failed');
          assert.deepEqual(problem.errors, [{ field: `/${key}`, message: 'is not allowed' }]);
        }
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const unchanged = await app.inject({
        url: `/api/v1/notes/${note.id}`,
        headers: alice.headers,
      });
      assert.deepEqual(unchanged.json(), note);
      const list = await app.inject({ url: '/api/v1/notes', headers: alice.headers });
      assert.equal(list.json<{ items: Note[] }>().items.length, 1);
    });

    test('change bumps the version and updated_at; {} changes nothing; delete is 204', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'a', tags: ['x'] });
      const url = `/api/v1/notes/${note.id}`;
      const empty = await app.inject({ method: 'PATCH', url, headers: alice.headers, payload: {} });
      assert.equal(empty.statusCode, 200);
      assert.equal(empty.headers.etag, '"1"');
      assert.deepEqual(empty.json(), note);
      const noBody = await app.inject({ method: 'PATCH', url, headers: alice.headers });
      assert.equal(noBody.statusCode, 200);
      assert.deepEqual(noBody.json(), note);

      const changed = await app.inject({
        method: 'PATCH',
        url,
        headers: alice.headers,
        payload: { body: 'new body', tags: ['y', 'y', 'z'], pinned: true },
      });
      assert.equal(changed.statusCode, 200);
      assert.equal(changed.headers.etag, '"2"');
      const after = changed.json<Note>();
      assert.deepEqual(Object.keys(after).sort(), NOTE_KEYS);
      assert.equal(after.title, 'a');
      assert.equal(after.body, 'new body');
      assert.deepEqual(after.tags, ['y', 'z']);
      assert.equal(after.pinned, true);
      assert.equal(after.version, 2);
      assert.equal(after.created_at, note.created_at);
      assert.ok(after.updated_at >= note.updated_at);
      const nulls = await app.inject({
        method: 'PATCH',
        url,
        headers: alice.headers,
        payload: { title: null },
      });
      expectProblem(nulls, 400, 'validation_failed');

      const removed = await app.inject({ method: 'DELETE', url, headers: alice.headers });
      assert.equal(removed.statusCode, 204);
      assert.equal(removed.body, '');
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const gone = await app.inject({ method, url, headers: alice.headers, payload: {} });
        expectProblem(gone, 404, 'not_found');
      }
    });

    test("another user's note, a malformed id and an unknown id are all 404", async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'private', body: 'secret' });
      for (const id of [
        note.id,
        note.id.toUpperCase(),
        '01900000-0000-7000-8000-000000000000',
        'nope',
        '%00',
        "1'%20OR%20'1'='1",
        'x'.repeat(5000),
      ]) {
        const url = `/api/v1/notes/${id}`;
        expectProblem(await app.inject({ url, headers: bob.headers }), 404, 'not_found');
        for (const method of ['PATCH', 'DELETE'] as const) {
          const response = await app.inject({
            method,
            url,
            headers: { ...bob.headers, 'if-match': '"1"' },
            payload: { title: 'stolen' },
          });
          expectProblem(response, 404, 'not_found');
        }
      }
      const bobs = await app.inject({ url: '/api/v1/notes', headers: bob.headers });
      assert.deepEqual(bobs.json(), { items: [], next_cursor: null });
      const searched = await app.inject({ url: '/api/v1/notes?q=secret', headers: bob.headers });
      assert.deepEqual(searched.json(), { items: [], next_cursor: null });
      const still = await app.inject({ url: `/api/v1/notes/${note.id}`, headers: alice.headers });
      assert.deepEqual(still.json(), note);
    });

    test('cookie sessions work with the CSRF token; without it unsafe requests are 403', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const session = await loginWithCookies(app, alice.email, alice.password);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/notes',
        headers: session.headers,
        payload: { title: 'from the browser' },
      });
      assert.equal(created.statusCode, 201);
      const note = created.json<Note>();
      const cookieOnly = { cookie: session.headers.cookie };
      const read = await app.inject({ url: `/api/v1/notes/${note.id}`, headers: cookieOnly });
      assert.equal(read.statusCode, 200);
      const list = await app.inject({ url: '/api/v1/notes', headers: cookieOnly });
      assert.equal(list.json<{ items: Note[] }>().items.length, 1);
      for (const [method, url] of [
        ['POST', '/api/v1/notes'],
        ['PATCH', `/api/v1/notes/${note.id}`],
        ['DELETE', `/api/v1/notes/${note.id}`],
      ] as const) {
        const refused = await app.inject({
          method,
          url,
          headers: { ...cookieOnly, 'x-csrf-token': 'forged' },
          payload: { title: 'x' },
        });
        expectProblem(refused, 403, 'csrf_failed');
      }
      const changed = await app.inject({
        method: 'PATCH',
        url: `/api/v1/notes/${note.id}`,
        headers: { ...session.headers, 'if-match': '"1"' },
        payload: { title: 'changed' },
      });
      assert.equal(changed.statusCode, 200);
      const bearerSees = await app.inject({
        url: `/api/v1/notes/${note.id}`,
        headers: alice.headers,
      });
      assert.equal(bearerSees.json<Note>().title, 'changed');
    });

    test('checks run in the documented order', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const session = await loginWithCookies(app, alice.email, alice.password);
      const note = await createNote(app, alice.headers, { title: 'a' });
      const url = `/api/v1/notes/${note.id}`;
      const badJson = { 'content-type': 'application/json' };
      // route before authentication
      expectProblem(await app.inject({ url: '/api/v1/notes/a/b' }), 404, 'not_found');
      expectProblem(await app.inject({ url: '/api/v1/notes/' }), 404, 'not_found');
      const put = await app.inject({ method: 'PUT', url });
      expectProblem(put, 405, 'method_not_allowed');
      assert.equal(put.headers.allow, 'GET, HEAD, PATCH, DELETE');
      // authentication before CSRF, content type, size and JSON
      const anonymous = await app.inject({
        method: 'POST',
        url: '/api/v1/notes',
        headers: { 'content-type': 'text/plain' },
        payload: '{',
      });
      expectProblem(anonymous, 401, 'unauthenticated');
      expectProblem(await app.inject({ url: '/api/v1/notes' }), 401, 'unauthenticated');
      // CSRF before content type and JSON
      const noCsrf = await app.inject({
        method: 'PATCH',
        url,
        headers: { cookie: session.headers.cookie, 'content-type': 'text/plain' },
        payload: '{',
      });
      expectProblem(noCsrf, 403, 'csrf_failed');
      // content type, then size, then JSON, then schema
      const wrongType = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...alice.headers, 'content-type': 'text/plain' },
        payload: '{',
      });
      expectProblem(wrongType, 415, 'unsupported_media_type');
      const tooLarge = await app.inject({
        method: 'POST',
        url: '/api/v1/notes',
        headers: { ...alice.headers, ...badJson },
        payload: `{"title":"${'x'.repeat(1_048_577)}`,
      });
      expectProblem(tooLarge, 413, 'payload_too_large');
      const broken = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...alice.headers, ...badJson },
        payload: '{"title":',
      });
      expectProblem(broken, 400, 'invalid_json');
      // schema before ownership, ownership before version
      const schemaFirst = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...bob.headers, 'if-match': '"9"' },
        payload: { title: '' },
      });
      expectProblem(schemaFirst, 400, 'validation_failed');
      const ownershipFirst = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...bob.headers, 'if-match': '"9"' },
        payload: { title: 'x' },
      });
      expectProblem(ownershipFirst, 404, 'not_found');
      const version = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...alice.headers, 'if-match': '"9"' },
        payload: { title: 'x' },
      });
      expectProblem(version, 412, 'version_conflict');
    });
  });
}
