// Refresh-token rotation, the reuse grace for concurrent tabs, reuse detection, and cookie-mode
// refresh with its CSRF check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { cookieHeader, cookiesOf, loginWithCookies, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';
import type { App } from '../../src/app.ts';

interface Pair {
  access_token: string;
  refresh_token: string;
}

function refresh(app: App, token: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    payload: { refresh_token: token },
  });
}

for (const engine of await testEngines()) {
  describe(`refresh tokens (${engine.name})`, () => {
    test('each use rotates the token; the new access token works', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const response = await refresh(app, user.refreshToken);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      const pair = response.json<Pair & Record<string, unknown>>();
      assert.deepEqual(Object.keys(pair).sort(), [
        'access_token',
        'expires_in',
        'refresh_token',
        'token_type',
      ]);
      assert.notEqual(pair.refresh_token, user.refreshToken);
      const me = await app.inject({
        url: '/api/v1/users/me',
        headers: { authorization: `Bearer ${pair.access_token}` },
      });
      assert.equal(me.statusCode, 200);
      assert.equal((await refresh(app, pair.refresh_token)).statusCode, 200);
    });

    test('a spent token within the grace gets a valid pair for the same session, usable once', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const first = (await refresh(app, user.refreshToken)).json<Pair>();
      const again = await refresh(app, user.refreshToken);
      assert.equal(again.statusCode, 200);
      const second = again.json<Pair>();
      assert.notEqual(second.refresh_token, first.refresh_token);
      // Both handed-out tokens can each be used once.
      assert.equal((await refresh(app, first.refresh_token)).statusCode, 200);
      assert.equal((await refresh(app, second.refresh_token)).statusCode, 200);
      const sessions = await app.inject({
        url: '/api/v1/auth/sessions',
        headers: { authorization: `Bearer ${second.access_token}` },
      });
      assert.equal(sessions.json<{ items: unknown[] }>().items.length, 1);
    });

    test('tabs refreshing at once all get working pairs and no extra session', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => refresh(app, user.refreshToken)),
      );
      assert.deepEqual(
        answers.map((answer) => answer.statusCode),
        [200, 200, 200, 200, 200, 200],
      );
      const tokens = new Set(answers.map((answer) => answer.json<Pair>().refresh_token));
      assert.equal(tokens.size, 6);
      for (const answer of answers) {
        const next = await refresh(app, answer.json<Pair>().refresh_token);
        assert.equal(next.statusCode, 200);
      }
      const sessions = await app.inject({ url: '/api/v1/auth/sessions', headers: user.headers });
      assert.equal(sessions.json<{ items: unknown[] }>().items.length, 1);
    });

    test('reuse after the grace revokes the whole session', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: { REFRESH_REUSE_GRACE: '10' } });
      const user = await signUp(app);
      const rotated = (await refresh(app, user.refreshToken)).json<Pair>();
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 11_000 });
      assertProblem(await refresh(app, user.refreshToken), 401, 'refresh_token_reused');
      // The session is gone: its access tokens and its newest refresh token stop working.
      assertProblem(
        await app.inject({
          url: '/api/v1/users/me',
          headers: { authorization: `Bearer ${rotated.access_token}` },
        }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
      assertProblem(await refresh(app, rotated.refresh_token), 401, 'invalid_refresh_token');
      const events = await app.db.kysely
        .selectFrom('events')
        .select('type')
        .where('user_id', '=', user.user.id)
        .execute();
      assert.ok(events.some((event) => event.type === 'refresh_reused'));
    });

    test('a session expires at the time fixed at login; refreshing does not extend it', async (t) => {
      const { app } = await buildTestApp(t, engine, {
        env: { REFRESH_TOKEN_TTL: '3600', ACCESS_TOKEN_TTL: '900' },
      });
      const user = await signUp(app);
      const sessions = async (authorization: string) =>
        (await app.inject({ url: '/api/v1/auth/sessions', headers: { authorization } })).json<{
          items: { expires_at: string }[];
        }>().items;
      const [before] = await sessions(user.headers.authorization);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 1_800_000 });
      const pair = (await refresh(app, user.refreshToken)).json<Pair & { expires_in: number }>();
      const [after] = await sessions(`Bearer ${pair.access_token}`);
      assert.equal(after?.expires_at, before?.expires_at);
      t.mock.timers.setTime(Date.now() + 1_900_000);
      assertProblem(await refresh(app, pair.refresh_token), 401, 'invalid_refresh_token');
    });

    const invalid: [string, unknown][] = [
      ['garbage', 'nope'],
      ['empty', ''],
      ['well-formed but unknown', `${'A'.repeat(22)}.${'B'.repeat(43)}`],
    ];
    for (const [name, token] of invalid) {
      test(`an invalid refresh token is refused: ${name}`, async (t) => {
        const { app } = await buildTestApp(t, engine);
        assertProblem(await refresh(app, token as string), 401, 'invalid_refresh_token');
      });
    }

    test('a known id with the wrong secret is refused and spends nothing', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const [id] = user.refreshToken.split('.');
      assertProblem(await refresh(app, `${id}.${'C'.repeat(43)}`), 401, 'invalid_refresh_token');
      assert.equal((await refresh(app, user.refreshToken)).statusCode, 200);
    });

    test('refresh body rules', async (t) => {
      const { app } = await buildTestApp(t, engine);
      assertProblem(await refresh(app, 'x'.repeat(513)), 400, 'validation_failed');
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: 5 },
        }),
        400,
        'validation_failed',
      );
      assertProblem(
        await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: {} }),
        401,
        'invalid_refresh_token',
      );
      assertProblem(
        await app.inject({ method: 'POST', url: '/api/v1/auth/refresh' }),
        401,
        'invalid_refresh_token',
      );
    });

    test('tokens of a disabled user stop refreshing', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const user = await signUp(app);
      await db.kysely
        .updateTable('users')
        .set({ disabled: true })
        .where('id', '=', user.user.id)
        .execute();
      assertProblem(await refresh(app, user.refreshToken), 401, 'invalid_refresh_token');
    });

    test('cookie mode: refresh cookie plus X-CSRF-Token rotates the cookies', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const session = await loginWithCookies(app, user.email, user.password);
      const refreshCookie = `jotter_refresh=${session.cookies.jotter_refresh}`;
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          headers: { cookie: refreshCookie },
        }),
        403,
        'csrf_failed',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          headers: { cookie: refreshCookie, 'x-csrf-token': 'forged' },
        }),
        403,
        'csrf_failed',
      );
      const other = await loginWithCookies(app, user.email, user.password);
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          headers: { cookie: refreshCookie, 'x-csrf-token': other.csrfToken },
        }),
        403,
        'csrf_failed',
      );

      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { cookie: refreshCookie, 'x-csrf-token': session.csrfToken },
      });
      assert.equal(response.statusCode, 200);
      const body = response.json<Record<string, unknown>>();
      assert.deepEqual(Object.keys(body).sort(), ['csrf_token', 'expires_in']);
      const cookies = cookiesOf(response);
      assert.deepEqual(Object.keys(cookies).sort(), [
        'jotter_access',
        'jotter_csrf',
        'jotter_refresh',
      ]);
      assert.notEqual(cookies.jotter_refresh, session.cookies.jotter_refresh);
      assert.ok(!response.body.includes(cookies.jotter_access!));
      const me = await app.inject({
        url: '/api/v1/users/me',
        headers: { cookie: cookieHeader(cookies) },
      });
      assert.equal(me.statusCode, 200);
    });

    test('cookie mode: a dead refresh cookie is cleared', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: {
          cookie: `jotter_refresh=${'A'.repeat(22)}.${'B'.repeat(43)}`,
          'x-csrf-token': 'x',
        },
      });
      assertProblem(response, 401, 'invalid_refresh_token');
      const cleared = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie]));
      assert.equal(cleared.jotter_refresh?.value, '');
    });
  });
}
