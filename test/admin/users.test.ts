import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AdminUser } from '../../src/admin/schemas.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithToken, signUp, uniqueEmail } from '../helpers/auth.ts';
import { signUpAdmin } from '../helpers/admin.ts';
import { testEngines } from '../helpers/databases.ts';

interface UserPage {
  items: AdminUser[];
  next_cursor: string | null;
}

for (const engine of await testEngines()) {
  describe(`admin: managing accounts (${engine.name})`, () => {
    test('lists every account newest first with disabled, searches, and pages', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Ada 50%_off', 'Émile Borel'];
      for (const name of names)
        await signUp(app, { name, email: uniqueEmail(name.split(' ')[0]!.replace(/\W/g, '')) });
      const list = async (query: string) => {
        const response = await app.inject({
          url: `/api/v1/admin/users?${query}`,
          headers: admin.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        return response.json<UserPage>();
      };

      const all = await list('');
      assert.deepEqual(
        all.items.map((user) => user.name),
        [...names].reverse().concat('Admin'),
      );
      assert.equal(all.next_cursor, null);
      for (const user of all.items) {
        assert.deepEqual(Object.keys(user).sort(), [
          'created_at',
          'disabled',
          'email',
          'id',
          'name',
          'role',
          'updated_at',
        ]);
        assert.equal(user.disabled, false);
      }

      assert.deepEqual(
        (await list('q=ada')).items.map((u) => u.name),
        ['Ada 50%_off', 'Ada Lovelace'],
      );
      assert.deepEqual(
        (await list('q=HOPPER')).items.map((u) => u.name),
        ['Grace Hopper'],
      );
      // By email, any case.
      assert.deepEqual(
        (await list('q=ALAN-')).items.map((u) => u.name),
        ['Alan Turing'],
      );
      // Pattern characters are plain text.
      assert.deepEqual(
        (await list('q=50%25_')).items.map((u) => u.name),
        ['Ada 50%_off'],
      );
      assert.deepEqual(
        (await list('q=%25')).items.map((u) => u.name),
        ['Ada 50%_off'],
      );
      assert.deepEqual(
        (await list('q=Émile')).items.map((u) => u.name),
        ['Émile Borel'],
      );
      assert.deepEqual((await list('q=nobody-at-all')).items, []);

      // Pages of two, stable while accounts are created between pages.
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const answer = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...answer.items.map((user) => user.id));
        if (page === 0) await signUp(app, { name: 'Newcomer' });
        cursor = answer.next_cursor;
        if (cursor === null) break;
      }
      assert.deepEqual(
        seen,
        all.items.map((user) => user.id),
      );

      const first = await list('limit=2');
      for (const query of [
        `cursor=${first.next_cursor}&q=ada`,
        `cursor=${first.next_cursor}x`,
        'cursor=eyJub3QiOiJhIGN1cnNvciJ9.AAAA',
        'limit=0',
        'limit=101',
        'q=a&q=b',
      ]) {
        const response = await app.inject({
          url: `/api/v1/admin/users?${query}`,
          headers: admin.headers,
        });
        assert.equal(response.statusCode, 400, query);
        assert.equal(response.json<{ code: string }>().code, 'validation_failed', query);
      }
      // Another admin cannot reuse this admin's cursor.
      const other = await signUpAdmin(app, db, 'Other');
      const borrowed = await app.inject({
        url: `/api/v1/admin/users?limit=2&cursor=${first.next_cursor}`,
        headers: other.headers,
      });
      assert.equal(borrowed.statusCode, 400);
    });

    test('disabling revokes every session at once; enabling lets the account log in again', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const user = await signUp(app);
      const second = await loginWithToken(app, user.email, user.password);
      const url = `/api/v1/admin/users/${user.user.id}`;

      const disabled = await app.inject({
        method: 'PATCH',
        url,
        headers: admin.headers,
        payload: { disabled: true },
      });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal(disabled.json<AdminUser>().disabled, true);
      for (const headers of [user.headers, second.headers]) {
        const me = await app.inject({ url: '/api/v1/users/me', headers });
        assert.equal(me.statusCode, 401);
        assert.equal(me.json<{ code: string }>().code, 'invalid_token');
      }
      const refresh = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: second.refreshToken },
      });
      assert.equal(refresh.statusCode, 401);
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      });
      assert.equal(login.statusCode, 403);
      assert.equal(login.json<{ code: string }>().code, 'account_disabled');
      const sessions = await db.kysely
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', user.user.id)
        .execute();
      assert.deepEqual(sessions, []);

      const enabled = await app.inject({
        method: 'PATCH',
        url,
        headers: admin.headers,
        payload: { disabled: false },
      });
      assert.equal(enabled.statusCode, 200);
      assert.equal(enabled.json<AdminUser>().disabled, false);
      await loginWithToken(app, user.email, user.password);
    });

    test('role changes, an empty change, bad bodies and unknown ids', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const user = await signUp(app);
      const url = `/api/v1/admin/users/${user.user.id}`;
      const patch = (payload: unknown, target = url) =>
        app.inject({
          method: 'PATCH',
          url: target,
          headers: admin.headers,
          payload: payload as object,
        });

      const promoted = await patch({ role: 'admin' });
      assert.equal(promoted.statusCode, 200);
      assert.equal(promoted.json<AdminUser>().role, 'admin');
      // The new administrator can use the admin area at once, with the token it already had.
      assert.equal(
        (await app.inject({ url: '/api/v1/admin/users', headers: user.headers })).statusCode,
        200,
      );

      const unchanged = await patch({});
      assert.equal(unchanged.statusCode, 200);
      assert.equal(unchanged.json<AdminUser>().updated_at, promoted.json<AdminUser>().updated_at);

      for (const body of [
        { role: 'root' },
        { disabled: 'true' },
        { disabled: null },
        { email: 'x@example.com' },
        { password_hash: 'x' },
      ]) {
        const response = await patch(body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json<{ code: string }>().code, 'validation_failed');
      }
      for (const target of [
        '/api/v1/admin/users/0190a000-0000-7000-8000-000000000000',
        '/api/v1/admin/users/not-an-id',
        '/api/v1/admin/users/%00',
        `/api/v1/admin/users/${user.user.id.toUpperCase()}`,
      ]) {
        const response = await patch({ disabled: true }, target);
        assert.equal(response.statusCode, 404, target);
        const removed = await app.inject({ method: 'DELETE', url: target, headers: admin.headers });
        assert.equal(removed.statusCode, 404, target);
      }
    });

    test('deleting an account takes its sessions with it', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const user = await signUp(app);
      const url = `/api/v1/admin/users/${user.user.id}`;
      const removed = await app.inject({ method: 'DELETE', url, headers: admin.headers });
      assert.equal(removed.statusCode, 204);
      assert.equal(removed.body, '');
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        401,
      );
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      });
      assert.equal(login.statusCode, 401);
      assert.equal(
        (await app.inject({ method: 'DELETE', url, headers: admin.headers })).statusCode,
        404,
      );
      // The address can be registered again.
      await signUp(app, { email: user.email });
    });

    test('no change may leave the installation without an enabled administrator', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const self = `/api/v1/admin/users/${admin.user.id}`;
      for (const request of [
        { method: 'PATCH', url: self, payload: { role: 'user' } },
        { method: 'PATCH', url: self, payload: { disabled: true } },
        { method: 'DELETE', url: self },
      ] as const) {
        const response = await app.inject({ ...request, headers: admin.headers });
        assert.equal(response.statusCode, 409, JSON.stringify(request));
        assert.equal(response.json<{ code: string }>().code, 'last_admin');
      }
      const me = await app.inject({ url: '/api/v1/users/me', headers: admin.headers });
      assert.equal(me.json<{ role: string }>().role, 'admin');

      // A disabled admin does not count; an enabled second one does.
      const second = await signUpAdmin(app, db, 'Second');
      const disableSecond = await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${second.user.id}`,
        headers: admin.headers,
        payload: { disabled: true },
      });
      assert.equal(disableSecond.statusCode, 200);
      const stillAlone = await app.inject({
        method: 'PATCH',
        url: self,
        headers: admin.headers,
        payload: { role: 'user' },
      });
      assert.equal(stillAlone.statusCode, 409);
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${second.user.id}`,
        headers: admin.headers,
        payload: { disabled: false },
      });
      const stepDown = await app.inject({
        method: 'PATCH',
        url: self,
        headers: admin.headers,
        payload: { role: 'user' },
      });
      assert.equal(stepDown.statusCode, 200);
      assert.equal(stepDown.json<AdminUser>().role, 'user');
    });

    test('two administrators demoting each other at once leave one administrator', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const first = await signUpAdmin(app, db, 'First');
      const second = await signUpAdmin(app, db, 'Second');
      const [a, b] = await Promise.all([
        app.inject({
          method: 'PATCH',
          url: `/api/v1/admin/users/${second.user.id}`,
          headers: first.headers,
          payload: { role: 'user' },
        }),
        app.inject({
          method: 'PATCH',
          url: `/api/v1/admin/users/${first.user.id}`,
          headers: second.headers,
          payload: { role: 'user' },
        }),
      ]);
      // One demotion goes through; the other is refused: by the last-admin check, or, if its
      // caller was already demoted when it arrived, as forbidden.
      const statuses = [a.statusCode, b.statusCode].sort().join();
      assert.ok(statuses === '200,409' || statuses === '200,403', statuses);
      const admins = await db.kysely
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .execute();
      assert.equal(admins.length, 1);
    });
  });
}
