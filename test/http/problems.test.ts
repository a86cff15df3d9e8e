// The error surface of API.md: every failure is problem+json with the right status and code, in
// the documented order of checks.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { Type } from 'typebox';
import { ERROR_CODES } from '../../src/http/errors.ts';
import { parseQueryString } from '../../src/http/body.ts';
import { LimitQuery, Strict, Text, BooleanQuery, DateQuery } from '../../src/http/schemas.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';

const EchoBody = Strict({
  title: Text({ minLength: 1, maxLength: 5 }),
  done: Type.Optional(Type.Boolean()),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
});

// A probe route that exercises the shared parsing and validation the real routes rely on.
async function buildProbeApp(t: TestContext): Promise<TestApp> {
  const [sqlite] = await testEngines();
  return buildTestApp(t, sqlite!, {
    beforeReady: (app) => {
      app.post('/api/v1/probe', { schema: { body: EchoBody } }, (request) => request.body);
      app.patch(
        '/api/v1/probe',
        { schema: { body: Type.Partial(EchoBody) } },
        (request) => request.body,
      );
      app.get(
        '/api/v1/probe',
        {
          schema: {
            querystring: Type.Object({
              limit: Type.Optional(LimitQuery),
              done: Type.Optional(BooleanQuery),
              due: Type.Optional(DateQuery),
            }),
          },
        },
        (request) => request.query,
      );
      app.get('/api/v1/boom', () => {
        throw new Error('secret detail at /srv/app.ts:12 SELECT * FROM users');
      });
    },
  });
}

function assertProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
): Record<string, unknown> {
  assert.equal(response.statusCode, status);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(body.type, `/problems/${code}`);
  assert.equal(typeof body.title, 'string');
  return body;
}

describe('problem details', () => {
  test('unknown routes are 404, known paths with another method are 405 with Allow', async (t) => {
    const { app } = await buildProbeApp(t);
    assertProblem(await app.inject({ url: '/api/v1/nothing-here' }), 404, 'not_found');
    assertProblem(await app.inject({ url: '/api/v1/probe/' }), 404, 'not_found');
    assertProblem(await app.inject({ url: '/API/v1/probe' }), 404, 'not_found');
    const response = await app.inject({ method: 'DELETE', url: '/api/v1/probe' });
    assertProblem(response, 405, 'method_not_allowed');
    assert.equal(response.headers.allow, 'GET, HEAD, POST, PATCH');
  });

  test('a valid JSON body is accepted, with or without a utf-8 charset', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const type of [
      'application/json',
      'Application/JSON; charset=UTF-8',
      'application/json;charset="utf-8"',
    ]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/probe',
        headers: { 'content-type': type },
        payload: '{"title":"hi"}',
      });
      assert.equal(response.statusCode, 200, type);
      assert.deepEqual(response.json(), { title: 'hi' });
    }
  });

  test('other content types are 415', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const type of [
      'text/json',
      'application/merge-patch+json',
      'text/plain',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
    ]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/probe',
        headers: { 'content-type': type },
        payload: '{"title":"hi"}',
      });
      assertProblem(response, 415, 'unsupported_media_type');
    }
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/probe',
      payload: Buffer.from('{"title":"hi"}'),
    });
    assertProblem(missing, 415, 'unsupported_media_type');
  });

  test('an empty body counts as {} whatever its content type', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const headers of [
      {},
      { 'content-type': 'application/json' },
      { 'content-type': 'text/plain' },
      { 'content-type': '%%%' },
    ]) {
      const response = await app.inject({ method: 'PATCH', url: '/api/v1/probe', headers });
      assert.equal(response.statusCode, 200, JSON.stringify(headers));
      assert.deepEqual(response.json(), {});
    }
    const required = await app.inject({ method: 'POST', url: '/api/v1/probe' });
    const body = assertProblem(required, 400, 'validation_failed');
    assert.deepEqual(body.errors, [{ field: '/title', message: 'is required' }]);
  });

  test('bodies up to exactly 1 MiB are accepted; larger ones are 413', async (t) => {
    const { app } = await buildProbeApp(t);
    const pad = (size: number): string => {
      const head = '{"title":"a","email":null';
      return head + ' '.repeat(size - head.length - 1) + '}';
    };
    const atLimit = await app.inject({
      method: 'POST',
      url: '/api/v1/probe',
      headers: { 'content-type': 'application/json' },
      payload: pad(1_048_576),
    });
    // The body parsed (its size was fine); it then fails the schema, not the size limit.
    assertProblem(atLimit, 400, 'validation_failed');
    const over = await app.inject({
      method: 'POST',
      url: '/api/v1/probe',
      headers: { 'content-type': 'application/json' },
      payload: pad(1_048_577),
    });
    assertProblem(over, 413, 'payload_too_large');
  });

  test('malformed JSON and bytes that are not UTF-8 are invalid_json', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const payload of [
      '{"title":',
      'nope',
      '{"title":"a",}',
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    ]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/probe',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assertProblem(response, 400, 'invalid_json');
    }
  });

  test('schema failures are validation_failed with JSON-pointer fields; nothing is coerced', async (t) => {
    const { app } = await buildProbeApp(t);
    const cases: [unknown, string][] = [
      [{ title: 'hi', role: 'admin' }, '/role'],
      [{ title: 'hi', __proto__x: 1 }, '/__proto__x'],
      [{ title: 'hi', 'a/b': 1 }, '/a~1b'],
      [{ title: 'hi', done: 'true' }, '/done'],
      [{ title: 5 }, '/title'],
      [{ title: 'toolong' }, '/title'],
      [{ title: '' }, '/title'],
      [{ title: null }, '/title'],
      [{ title: 'a\u0000b' }, '/title'],
      [{ title: 'a\ud800' }, '/title'],
      [{ title: 'hi', email: 'not-an-email' }, '/email'],
      [[], ''],
      ['text', ''],
    ];
    for (const [body, field] of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/probe',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      const problem = assertProblem(response, 400, 'validation_failed');
      const errors = problem.errors as { field: string; message: string }[];
      assert.equal(errors[0]?.field, field, JSON.stringify(body));
    }
  });

  test('dangerous keys are rejected as unknown members', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const payload = `{"title":"hi","${key}":{"polluted":true}}`;
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/probe',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      const problem = assertProblem(response, 400, 'validation_failed');
      assert.deepEqual(problem.errors, [{ field: `/${key}`, message: 'is not allowed' }]);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('text is kept exactly: no trimming, no normalisation', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const title of [' a ', 'e\u0301', '😀', '\u00e9']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/probe',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ title }),
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json<{ title: string }>().title, title);
    }
    // Lengths count code points: five emoji fit a 5-character limit.
    const emoji = await app.inject({
      method: 'POST',
      url: '/api/v1/probe',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ title: '😀😀😀😀😀' }),
    });
    assert.equal(emoji.statusCode, 200);
  });

  test('query parameters are parsed strictly', async (t) => {
    const { app } = await buildProbeApp(t);
    const ok = await app.inject({
      url: '/api/v1/probe?limit=100&done=false&due=2024-02-29&unknown=x',
    });
    assert.equal(ok.statusCode, 200);
    for (const query of [
      'limit=05',
      'limit=1e2',
      'limit=+5',
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=1&limit=2',
      'limit[]=5',
      'done=maybe',
      'done=TRUE',
      'due=2023-02-29',
      'due=2024-13-01',
      'due=24-01-01',
    ]) {
      assertProblem(await app.inject({ url: `/api/v1/probe?${query}` }), 400, 'validation_failed');
    }
  });

  test('the query string parser keeps arrays and never touches prototypes', () => {
    assert.deepEqual(
      { ...parseQueryString('a=1&a=2&b[]=3&c=%E2%9C%93&d=%ZZ&e+f=g+h') },
      {
        a: ['1', '2'],
        b: ['3'],
        c: '✓',
        d: '%ZZ',
        'e f': 'g h',
      },
    );
    const parsed = parseQueryString('__proto__=x&constructor=y');
    assert.equal(Object.getPrototypeOf(parsed), null);
    assert.equal(parsed.__proto__, 'x');
  });

  test('unexpected errors are 500 internal with only a request id', async (t) => {
    const { app } = await buildProbeApp(t);
    const response = await app.inject({ url: '/api/v1/boom' });
    const body = assertProblem(response, 500, 'internal');
    assert.deepEqual(Object.keys(body).sort(), ['code', 'request_id', 'status', 'title', 'type']);
    assert.equal(body.request_id, response.headers['x-request-id']);
    assert.doesNotMatch(response.body, /secret|SELECT|\.ts|stack/);
  });

  test('every code in the registry has a status and a title', () => {
    for (const [code, { status, title }] of Object.entries(ERROR_CODES)) {
      assert.ok(status >= 400 && status < 600, code);
      assert.ok(title.length > 0, code);
    }
  });
});

describe('headers on every answer', () => {
  test('security headers, request id, no server fingerprint', async (t) => {
    const { app } = await buildProbeApp(t);
    for (const url of ['/healthz', '/api/v1/nothing', '/docs', '/']) {
      const response = await app.inject({ url });
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.match(
        String(response.headers['content-security-policy']),
        /frame-ancestors 'none'/,
        url,
      );
      assert.ok(response.headers['referrer-policy'], url);
      assert.equal(response.headers['x-powered-by'], undefined, url);
      assert.equal(response.headers.server, undefined, url);
      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/, url);
      assert.equal(response.headers['strict-transport-security'], undefined, url);
    }
    const html = await app.inject({ url: '/docs' });
    assert.match(String(html.headers['content-security-policy']), /object-src 'none'/);
    assert.match(String(html.headers['content-security-policy']), /base-uri 'none'/);
  });

  test('the API is never cached', async (t) => {
    const { app } = await buildProbeApp(t);
    const response = await app.inject({ url: '/api/v1/nothing' });
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('HEAD works wherever GET does', async (t) => {
    const { app } = await buildProbeApp(t);
    const response = await app.inject({ method: 'HEAD', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
  });

  test('https PUBLIC_URL adds Strict-Transport-Security', async (t) => {
    const [sqlite] = await testEngines();
    const { app } = await buildTestApp(t, sqlite!, {
      env: { PUBLIC_URL: 'https://notes.example.com' },
    });
    const response = await app.inject({ url: '/healthz' });
    assert.match(String(response.headers['strict-transport-security']), /max-age=\d+/);
  });

  test('CORS only for listed origins', async (t) => {
    const [sqlite] = await testEngines();
    const closed = await buildTestApp(t, sqlite!);
    const none = await closed.app.inject({
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(none.headers['access-control-allow-origin'], undefined);

    const open = await buildTestApp(t, sqlite!, {
      env: { CORS_ORIGINS: 'https://app.example.com' },
    });
    const listed = await open.app.inject({
      url: '/healthz',
      headers: { origin: 'https://app.example.com' },
    });
    assert.equal(listed.headers['access-control-allow-origin'], 'https://app.example.com');
    const other = await open.app.inject({
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await open.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/notes',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
  });
});
