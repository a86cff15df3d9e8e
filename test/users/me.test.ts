// The Users section of API.md: reading and changing your account, password change, deletion.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import {
  loginWithCookies,
  loginWithToken,
  signUp,
  TEST_PASSWORD,
  uniqueEmail,
} from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';

const NEW_PASSWORD = 'a brand new passphrase';

for (const engine of await testEngines()) {
  describe(`users/me (${engine.name})`, () => {
    test('GET shows the account, never the hash, and is not cached', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app, { name: 'Grace' });
      const response = await app.inject({ url: '/api/v1/users/me', headers: user.headers });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.deepEqual(response.json(), user.user);
      assert.doesNotMatch(response.body, /password|argon/);
      const head = await app.inject({
        method: 'HEAD',
        url: '/api/v1/users/me',
        headers: user.headers,
      });
      assert.equal(head.statusCode, 200);
    });

    test('PATCH changes name and email only', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const email = uniqueEmail('new');
      const response = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: user.headers,
        payload: { name: ' Lin 😀 ', email },
      });
      assert.equal(response.statusCode, 200);
      const updated = response.json<{ name: string; email: string; updated_at: string }>();
      assert.equal(updated.name, ' Lin 😀 ');
      assert.equal(updated.email, email);
      assert.ok(updated.updated_at >= user.user.updated_at);
      assert.equal(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email, password: user.password },
          })
        ).statusCode,
        200,
      );
      const unchanged = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: user.headers,
        payload: {},
      });
      assert.equal(unchanged.statusCode, 200);
      assert.equal(unchanged.json<{ updated_at: string }>().updated_at, updated.updated_at);
      for (const payload of [
        { role: 'admin' },
        { id: 'x' },
        { password: 'x' },
        { name: null },
        { email: 'nope' },
        { name: 'x'.repeat(101) },
        { name: 5 },
      ]) {
        assertProblem(
          await app.inject({
            method: 'PATCH',
            url: '/api/v1/users/me',
            headers: user.headers,
            payload,
          }),
          400,
          'validation_failed',
        );
      }
      const events = await app.db.kysely
        .selectFrom('events')
        .select('type')
        .where('user_id', '=', user.user.id)
        .execute();
      assert.ok(events.some((event) => event.type === 'email_changed'));
    });

    test('PATCH to an email in use is 409, case-insensitively; a change of case of your own is fine', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const other = await signUp(app);
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: user.headers,
          payload: { email: other.email.toUpperCase() },
        }),
        409,
        'email_taken',
      );
      const ownUpper = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: user.headers,
        payload: { email: user.email.toUpperCase() },
      });
      assert.equal(ownUpper.statusCode, 200);
      assert.equal(ownUpper.json<{ email: string }>().email, user.email.toUpperCase());
    });

    test('password change revokes every other session, keeps this one', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const other = await loginWithToken(app, user.email, user.password);
      const browser = await loginWithCookies(app, user.email, user.password);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/users/me/password',
        headers: user.headers,
        payload: { current_password: user.password, new_password: NEW_PASSWORD },
      });
      assert.equal(response.statusCode, 204);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: other.headers }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: { cookie: browser.headers.cookie } }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: other.refreshToken },
        }),
        401,
        'invalid_refresh_token',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: user.password },
        }),
        401,
        'invalid_credentials',
      );
      assert.equal(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: user.email, password: NEW_PASSWORD },
          })
        ).statusCode,
        200,
      );
    });

    test('password change rules', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const change = (payload: object) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/users/me/password',
          headers: user.headers,
          payload,
        });
      const wrong = assertProblem(
        await change({ current_password: 'not my password', new_password: NEW_PASSWORD }),
        403,
        'invalid_credentials',
      );
      assert.equal(wrong.errors?.[0]?.field, '/current_password');
      assertProblem(
        await change({ current_password: user.password, new_password: 'short' }),
        400,
        'weak_password',
      );
      assertProblem(
        await change({ current_password: user.password, new_password: 'iloveyou' }),
        400,
        'weak_password',
      );
      assertProblem(
        await change({ current_password: user.password, new_password: 'x'.repeat(1025) }),
        400,
        'validation_failed',
      );
      assertProblem(await change({ current_password: user.password }), 400, 'validation_failed');
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
    });

    test('account deletion: wrong password is 403; then the user and everything of theirs is gone', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const other = await loginWithToken(app, user.email, user.password);
      const bystander = await signUp(app);
      const now = new Date().toISOString();
      await db.kysely
        .insertInto('notes')
        .values({
          id: 'note-1',
          user_id: user.user.id,
          title: 't',
          body: '',
          tags: '[]',
          pinned: false,
          archived: false,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.kysely
        .insertInto('todos')
        .values({
          id: 'todo-1',
          user_id: user.user.id,
          title: 't',
          done: false,
          due_date: null,
          completed_at: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      assertProblem(
        await app.inject({
          method: 'DELETE',
          url: '/api/v1/users/me',
          headers: user.headers,
          payload: { password: 'wrong password!' },
        }),
        403,
        'invalid_credentials',
      );
      assertProblem(
        await app.inject({ method: 'DELETE', url: '/api/v1/users/me', headers: user.headers }),
        400,
        'validation_failed',
      );
      const response = await app.inject({
        method: 'DELETE',
        url: '/api/v1/users/me',
        headers: user.headers,
        payload: { password: user.password },
      });
      assert.equal(response.statusCode, 204);
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: other.headers }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: other.refreshToken },
        }),
        401,
        'invalid_refresh_token',
      );
      for (const table of ['users', 'sessions', 'notes', 'todos'] as const) {
        const column = table === 'users' ? 'id' : 'user_id';
        const rows = await db.kysely
          .selectFrom(table)
          .select(column)
          .where(column, '=', user.user.id)
          .execute();
        assert.equal(rows.length, 0, table);
      }
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: bystander.headers })).statusCode,
        200,
      );
      // The address can be registered again.
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      assert.equal(again.statusCode, 201);
    });

    test('a freshly started instance still refuses a deleted user’s tokens', async (t) => {
      const { app, config } = await buildTestApp(t, engine);
      const user = await signUp(app);
      await app.inject({
        method: 'DELETE',
        url: '/api/v1/users/me',
        headers: user.headers,
        payload: { password: user.password },
      });
      const { buildPeerApp } = await import('../helpers/app.ts');
      const fresh = await buildPeerApp(t, config);
      assertProblem(
        await fresh.app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
    });
  });
}
