// Logout with each scope, the session list, and deleting a session.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithCookies, loginWithToken, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';
import type { App } from '../../src/app.ts';

interface SessionItem {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string;
  ip: string;
  current: boolean;
}

async function listSessions(app: App, headers: Record<string, string>): Promise<SessionItem[]> {
  const response = await app.inject({ url: '/api/v1/auth/sessions', headers });
  assert.equal(response.statusCode, 200);
  return response.json<{ items: SessionItem[] }>().items;
}

for (const engine of await testEngines()) {
  describe(`sessions and logout (${engine.name})`, () => {
    test('the list holds the caller’s live sessions, newest first, one marked current', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const second = await loginWithToken(app, user.email, user.password);
      const stranger = await signUp(app);
      const items = await listSessions(app, {
        ...second.headers,
        'user-agent': 'Test Browser 1.0',
      });
      assert.equal(items.length, 2);
      assert.deepEqual(Object.keys(items[0]!).sort(), [
        'created_at',
        'current',
        'expires_at',
        'id',
        'ip',
        'last_used_at',
        'user_agent',
      ]);
      assert.ok(items[0]!.created_at >= items[1]!.created_at);
      assert.deepEqual(
        items.map((item) => item.current),
        [true, false],
      );
      assert.equal(items[0]!.ip, '127.0.0.1');
      const strangers = await listSessions(app, stranger.headers);
      assert.equal(strangers.length, 1);
      assert.ok(!strangers.some((item) => items.some((mine) => mine.id === item.id)));
    });

    test('logout ends this session only by default', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const other = await loginWithToken(app, user.email, user.password);
      const logout = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: user.headers,
      });
      assert.equal(logout.statusCode, 204);
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: user.refreshToken },
        }),
        401,
        'invalid_refresh_token',
      );
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: other.headers })).statusCode,
        200,
      );
      assert.equal((await listSessions(app, other.headers)).length, 1);
    });

    test('logout scope others keeps this one; all ends every session', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const second = await loginWithToken(app, user.email, user.password);
      const third = await loginWithToken(app, user.email, user.password);
      const others = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: user.headers,
        payload: { scope: 'others' },
      });
      assert.equal(others.statusCode, 204);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: second.headers }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: third.headers }),
        401,
        'invalid_token',
      );

      const fourth = await loginWithToken(app, user.email, user.password);
      const all = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: fourth.headers,
        payload: { scope: 'all' },
      });
      assert.equal(all.statusCode, 204);
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: fourth.headers }),
        401,
        'invalid_token',
      );
    });

    test('logout rules: unknown scope, no credentials', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: user.headers,
          payload: { scope: 'everything' },
        }),
        400,
        'validation_failed',
      );
      assertProblem(
        await app.inject({ method: 'POST', url: '/api/v1/auth/logout' }),
        401,
        'unauthenticated',
      );
    });

    test('cookie-mode logout clears the cookies', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const session = await loginWithCookies(app, user.email, user.password);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: session.headers,
      });
      assert.equal(response.statusCode, 204);
      const cleared = response.cookies
        .filter((cookie) => cookie.value === '')
        .map((cookie) => cookie.name)
        .sort();
      assert.deepEqual(cleared, ['jotter_access', 'jotter_csrf', 'jotter_refresh']);
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: { cookie: session.headers.cookie } }),
        401,
        'invalid_token',
      );
    });

    test('deleting a session revokes it; another user’s session is 404', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const second = await loginWithToken(app, user.email, user.password);
      const stranger = await signUp(app);
      const [strangerSession] = await listSessions(app, stranger.headers);
      assertProblem(
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/auth/sessions/${strangerSession!.id}`,
          headers: user.headers,
        }),
        404,
        'not_found',
      );
      assertProblem(
        await app.inject({
          method: 'DELETE',
          url: '/api/v1/auth/sessions/not-a-session',
          headers: user.headers,
        }),
        404,
        'not_found',
      );
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: stranger.headers })).statusCode,
        200,
      );

      const secondId = (await listSessions(app, second.headers)).find((item) => item.current)!.id;
      const response = await app.inject({
        method: 'DELETE',
        url: `/api/v1/auth/sessions/${secondId}`,
        headers: user.headers,
      });
      assert.equal(response.statusCode, 204);
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: second.headers }),
        401,
        'invalid_token',
      );
      const remaining = await listSessions(app, user.headers);
      assert.deepEqual(
        remaining.map((item) => item.current),
        [true],
      );
      assertProblem(
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/auth/sessions/${secondId}`,
          headers: user.headers,
        }),
        404,
        'not_found',
      );
    });

    test('last_used_at moves when a session is used, at most once a minute', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const [initial] = await listSessions(app, user.headers);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 61_000 });
      await app.inject({ url: '/api/v1/users/me', headers: user.headers });
      // The batch is written on the next flush.
      await app.auth.close();
      const row = await app.db.kysely
        .selectFrom('sessions')
        .select('last_used_at')
        .where('id', '=', initial!.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.last_used_at > initial!.last_used_at);
    });
  });
}
