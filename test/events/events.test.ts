import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AdminEvent, Event } from '../../src/events/schemas.ts';
import type { App } from '../../src/app.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithToken, signUp, type SignedUp } from '../helpers/auth.ts';
import { signUpAdmin } from '../helpers/admin.ts';
import { testEngines } from '../helpers/databases.ts';

interface EventPage<T> {
  items: T[];
  next_cursor: string | null;
}

const CLIENT = { 'user-agent': 'EventsTest/1.0' };
const ADDRESS = '198.51.100.23';

async function myEvents(app: App, account: { headers: object }, query = '') {
  const response = await app.inject({
    url: `/api/v1/users/me/events${query}`,
    headers: account.headers as Record<string, string>,
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<EventPage<Event>>();
}

function post(app: App, url: string, payload: object, headers: object = {}) {
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...CLIENT, ...(headers as Record<string, string>) },
    remoteAddress: ADDRESS,
  });
}

for (const engine of await testEngines()) {
  describe(`security events (${engine.name})`, () => {
    test('every security event is recorded with time, session, address and user agent', async (t) => {
      const { app, db } = await buildTestApp(t, engine, {
        env: { LOGIN_MAX_FAILURES: '2', REFRESH_REUSE_GRACE: '0' },
      });
      const admin = await signUpAdmin(app, db);
      const user: SignedUp = await signUp(app);
      const login = (password: string) =>
        post(app, '/api/v1/auth/login', { email: user.email, password });

      assert.equal((await login('wrong password')).statusCode, 401);
      const good = await login(user.password);
      assert.equal(good.statusCode, 200);
      const session = good.json<{ access_token: string; refresh_token: string }>();
      assert.equal((await login('wrong password')).statusCode, 401);
      assert.equal((await login('wrong password')).statusCode, 401);
      assert.equal((await login(user.password)).statusCode, 429);

      const rotated = await post(app, '/api/v1/auth/refresh', {
        refresh_token: session.refresh_token,
      });
      assert.equal(rotated.statusCode, 200);
      const reused = await post(app, '/api/v1/auth/refresh', {
        refresh_token: session.refresh_token,
      });
      assert.equal(reused.statusCode, 401);

      const email = `changed-${user.email}`;
      const patch = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: { ...user.headers, ...CLIENT },
        payload: { email },
        remoteAddress: ADDRESS,
      });
      assert.equal(patch.statusCode, 200);
      const password = await app.inject({
        method: 'POST',
        url: '/api/v1/users/me/password',
        headers: { ...user.headers, ...CLIENT },
        payload: { current_password: user.password, new_password: 'another long passphrase 2' },
        remoteAddress: ADDRESS,
      });
      assert.equal(password.statusCode, 204);
      const logout = await post(app, '/api/v1/auth/logout', {}, user.headers);
      assert.equal(logout.statusCode, 204);

      const target = `/api/v1/admin/users/${user.user.id}`;
      for (const payload of [{ role: 'admin' }, { disabled: true }, { disabled: false }]) {
        const response = await app.inject({
          method: 'PATCH',
          url: target,
          headers: admin.headers,
          payload,
        });
        assert.equal(response.statusCode, 200);
      }

      const relogged = await loginWithToken(app, email, 'another long passphrase 2');
      const mine = await myEvents(app, relogged);
      const types = mine.items.map((event) => event.type);
      assert.deepEqual(types, [
        'login_succeeded',
        'account_enabled',
        'account_disabled',
        'role_changed',
        'session_revoked',
        'password_changed',
        'email_changed',
        'refresh_reused',
        'login_throttled',
        'login_failed',
        'login_failed',
        'login_succeeded',
        'login_failed',
      ]);
      const byType = (type: string) => mine.items.filter((event) => event.type === type);
      // The user's own actions carry their address, browser and (where one exists) session.
      for (const event of mine.items.slice(4)) {
        assert.equal(event.ip, ADDRESS, event.type);
        assert.equal(event.user_agent, 'EventsTest/1.0', event.type);
        assert.match(event.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      assert.ok(byType('login_succeeded').every((event) => event.session_id !== null));
      assert.ok(byType('refresh_reused')[0]!.session_id);
      assert.ok(byType('email_changed')[0]!.session_id);
      assert.deepEqual(byType('role_changed')[0]!.detail, {
        from: 'user',
        to: 'admin',
        by: 'admin',
      });
      // Administrators' facts are theirs: not shown to the account holder.
      for (const event of mine.items.slice(1, 4)) {
        assert.equal(event.ip, '', event.type);
        assert.equal(event.user_agent, '', event.type);
        assert.equal(event.session_id, null, event.type);
        assert.equal(event.detail.admin_id, undefined, event.type);
      }
      assert.deepEqual(Object.keys(mine.items[0]!).sort(), [
        'created_at',
        'detail',
        'id',
        'ip',
        'session_id',
        'type',
        'user_agent',
      ]);

      // The admin sees the whole trail, with the acting administrator recorded.
      const all = await app.inject({
        url: `/api/v1/admin/events?user_id=${user.user.id}&type=account_disabled`,
        headers: admin.headers,
      });
      assert.equal(all.statusCode, 200);
      const [disabled] = all.json<EventPage<AdminEvent>>().items;
      assert.equal(disabled!.user_id, user.user.id);
      assert.equal(disabled!.detail.admin_id, admin.user.id);
      // Password change and logout had already ended every session.
      assert.equal(disabled!.detail.sessions_revoked, 0);
      assert.ok(disabled!.session_id);

      const deleted = await app.inject({ method: 'DELETE', url: target, headers: admin.headers });
      assert.equal(deleted.statusCode, 204);
      const gone = await app.inject({
        url: `/api/v1/admin/events?type=account_deleted`,
        headers: admin.headers,
      });
      const [deletion] = gone.json<EventPage<AdminEvent>>().items;
      assert.equal(deletion!.user_id, user.user.id);
      assert.equal(deletion!.detail.email, email);
    });

    test('a login attempt on an unknown email is visible to admins only', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const user = await signUp(app);
      await post(app, '/api/v1/auth/login', { email: 'nobody@example.com', password: 'whatever1' });
      const unknown = await app.inject({
        url: '/api/v1/admin/events?type=login_failed',
        headers: admin.headers,
      });
      const items = unknown.json<EventPage<AdminEvent>>().items;
      assert.equal(items.length, 1);
      assert.equal(items[0]!.user_id, null);
      assert.equal(items[0]!.detail.email, 'nobody@example.com');
      assert.deepEqual((await myEvents(app, user)).items, []);
    });

    test('own events page newest first with cursors bound to list, user and filters', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const user = await signUp(app);
      for (let i = 0; i < 5; i++) {
        await post(app, '/api/v1/auth/login', {
          email: user.email,
          password: `wrong password ${i}`,
        });
        await loginWithToken(app, user.email, user.password);
      }
      const all = await myEvents(app, user);
      assert.equal(all.items.length, 10);
      const ids = all.items.map((event) => event.id);
      assert.deepEqual([...ids].sort().reverse(), ids);

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const answer = await myEvents(app, user, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...answer.items.map((event) => event.id));
        // Newer events arriving between pages neither shift nor repeat older ones.
        if (page === 0) await loginWithToken(app, user.email, user.password);
        cursor = answer.next_cursor;
        if (cursor === null) break;
      }
      assert.deepEqual(seen, ids);

      const failed = await myEvents(app, user, '?type=login_failed&limit=2');
      assert.ok(failed.items.every((event) => event.type === 'login_failed'));
      const rest = await myEvents(app, user, `?type=login_failed&cursor=${failed.next_cursor}`);
      assert.equal(failed.items.length + rest.items.length, 5);

      const other = await signUp(app);
      const bad = [
        [user, '?type=nope'],
        [user, '?type=login_failed&type=login_succeeded'],
        [user, '?type[]=login_failed'],
        [user, '?limit=0'],
        [user, '?limit=5.0'],
        [user, `?cursor=${failed.next_cursor}`],
        [user, `?type=login_succeeded&cursor=${failed.next_cursor}`],
        [user, `?type=login_failed&cursor=${failed.next_cursor}AA`],
        [user, '?cursor=WyIwMTkwIl0.AAAAAAAAAAAAAAAAAAAAAA'],
        [other, `?type=login_failed&cursor=${failed.next_cursor}`],
      ] as const;
      for (const [account, query] of bad) {
        const response = await app.inject({
          url: `/api/v1/users/me/events${query}`,
          headers: account.headers,
        });
        assert.equal(response.statusCode, 400, query);
        assert.equal(response.json<{ code: string }>().code, 'validation_failed', query);
      }
      // A cursor of the admin list is not one for the own list, and the reverse.
      const adminPage = await app.inject({
        url: '/api/v1/admin/events?limit=1',
        headers: admin.headers,
      });
      const adminCursor = adminPage.json<EventPage<AdminEvent>>().next_cursor;
      const crossed = await app.inject({
        url: `/api/v1/users/me/events?cursor=${adminCursor}`,
        headers: admin.headers,
      });
      assert.equal(crossed.statusCode, 400);
      const unauthenticated = await app.inject({ url: '/api/v1/users/me/events' });
      assert.equal(unauthenticated.statusCode, 401);
    });

    test('the endpoints are in the OpenAPI document', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const document = (await app.inject({ url: '/openapi.json' })).json<{
        paths: Record<string, Record<string, { operationId: string }>>;
      }>();
      assert.equal(document.paths['/api/v1/users/me/events']?.get?.operationId, 'listMyEvents');
      assert.equal(document.paths['/api/v1/admin/events']?.get?.operationId, 'listAllEvents');
      assert.equal(document.paths['/api/v1/admin/users']?.get?.operationId, 'listUsers');
      assert.equal(document.paths['/api/v1/admin/users/{id}']?.patch?.operationId, 'updateUser');
      assert.equal(document.paths['/api/v1/admin/users/{id}']?.delete?.operationId, 'deleteUser');
    });
  });
}
