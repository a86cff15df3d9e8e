// Several instances on one PostgreSQL database: one set of signing keys, and a revocation on one
// instance honoured by the others within a second (LISTEN/NOTIFY).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { buildPeerApp, buildTestApp } from '../helpers/app.ts';
import { loginWithToken, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';
import type { App } from '../../src/app.ts';

async function waitForStatus(
  app: App,
  headers: Record<string, string>,
  status: number,
  withinMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await app.inject({ url: '/api/v1/users/me', headers });
    if (response.statusCode === status) return Date.now() - started;
    if (Date.now() - started > withinMs)
      assert.fail(`still ${response.statusCode} after ${withinMs} ms`);
    await sleep(20);
  }
}

const postgres = (await testEngines()).find((engine) => engine.name === 'postgres');

describe(
  'instances sharing one PostgreSQL',
  { skip: !postgres && 'PostgreSQL not reachable' },
  () => {
    test('a logout on one instance is honoured by another within a second', async (t) => {
      const a = await buildTestApp(t, postgres!);
      const b = await buildPeerApp(t, a.config);
      const user = await signUp(a.app);
      // B verifies A's tokens (same keys) and caches the verification.
      assert.equal(
        (await b.app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      assert.equal(
        (await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers }))
          .statusCode,
        204,
      );
      const elapsed = await waitForStatus(b.app, user.headers, 401, 1000);
      assert.ok(elapsed < 1000, `${elapsed} ms`);
      assertProblem(
        await b.app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
    });

    test('a password change on one instance ends the other sessions on every instance', async (t) => {
      const a = await buildTestApp(t, postgres!);
      const b = await buildPeerApp(t, a.config);
      const user = await signUp(a.app);
      const other = await loginWithToken(b.app, user.email, user.password);
      assert.equal(
        (await b.app.inject({ url: '/api/v1/users/me', headers: other.headers })).statusCode,
        200,
      );
      const change = await a.app.inject({
        method: 'POST',
        url: '/api/v1/users/me/password',
        headers: user.headers,
        payload: { current_password: user.password, new_password: 'another fine passphrase' },
      });
      assert.equal(change.statusCode, 204);
      await waitForStatus(b.app, other.headers, 401, 1000);
      assert.equal(
        (await b.app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
    });

    test('instances starting together share one signing key', async (t) => {
      const a = await buildTestApp(t, postgres!);
      const peers = await Promise.all([buildPeerApp(t, a.config), buildPeerApp(t, a.config)]);
      const keys = await Promise.all(
        [a, ...peers].map(async ({ app }) =>
          (await app.inject({ url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>(),
        ),
      );
      assert.equal(keys[0]!.keys.length, 1);
      for (const set of keys) assert.deepEqual(set, keys[0]);
    });

    test('a revocation announced while an instance was starting is still honoured', async (t) => {
      const a = await buildTestApp(t, postgres!);
      const user = await signUp(a.app);
      await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers });
      const late = await buildPeerApp(t, a.config);
      assertProblem(
        await late.app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
    });
  },
);
