import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { signUpAdmin } from '../helpers/admin.ts';
import { testEngines } from '../helpers/databases.ts';

const ROUTES = [
  { method: 'GET', url: '/api/v1/admin/users' },
  { method: 'GET', url: '/api/v1/admin/events' },
  { method: 'PATCH', url: '/api/v1/admin/users/USER', payload: { disabled: true } },
  { method: 'DELETE', url: '/api/v1/admin/users/USER' },
] as const;

for (const engine of await testEngines()) {
  describe(`admin routes are for administrators only (${engine.name})`, () => {
    test('anonymous callers get 401, other users 403 forbidden, and nothing changes', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const other = await signUp(app);
      for (const route of ROUTES) {
        const url = route.url.replace('USER', other.user.id);
        const anonymous = await app.inject({ ...route, url });
        assert.equal(anonymous.statusCode, 401, `${route.method} ${url}`);
        assert.equal(anonymous.json<{ code: string }>().code, 'unauthenticated');
        const forbidden = await app.inject({ ...route, url, headers: user.headers });
        assert.equal(forbidden.statusCode, 403, `${route.method} ${url}`);
        assert.equal(forbidden.json<{ code: string }>().code, 'forbidden');
      }
      const me = await app.inject({ url: '/api/v1/users/me', headers: other.headers });
      assert.equal(me.statusCode, 200);
    });

    test('403 comes before the body is looked at (content type, size, schema)', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const url = `/api/v1/admin/users/${user.user.id}`;
      for (const request of [
        { payload: 'x', headers: { ...user.headers, 'content-type': 'text/plain' } },
        { payload: '{not json', headers: { ...user.headers, 'content-type': 'application/json' } },
        { payload: { role: 'superuser' }, headers: user.headers },
      ]) {
        const response = await app.inject({ method: 'PATCH', url, ...request });
        assert.equal(response.statusCode, 403);
        assert.equal(response.json<{ code: string }>().code, 'forbidden');
      }
    });

    test('an administrator demoted or disabled loses access at once, token or not', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const admin = await signUpAdmin(app, db);
      const other = await signUpAdmin(app, db, 'Other admin');
      assert.equal(
        (await app.inject({ url: '/api/v1/admin/users', headers: admin.headers })).statusCode,
        200,
      );

      const demote = await app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${admin.user.id}`,
        headers: other.headers,
        payload: { role: 'user' },
      });
      assert.equal(demote.statusCode, 200);
      // The access token still says "admin"; the database does not.
      const after = await app.inject({ url: '/api/v1/admin/users', headers: admin.headers });
      assert.equal(after.statusCode, 403);
      assert.equal(after.json<{ code: string }>().code, 'forbidden');
    });
  });
}
