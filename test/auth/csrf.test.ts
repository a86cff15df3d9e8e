// CSRF protection of cookie-authenticated requests, and the order of checks around it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithCookies, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';

for (const engine of await testEngines()) {
  describe(`CSRF (${engine.name})`, () => {
    test('cookie-authenticated unsafe requests need the session’s X-CSRF-Token', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const session = await loginWithCookies(app, user.email, user.password);
      const other = await loginWithCookies(app, user.email, user.password);
      const cookie = session.headers.cookie;
      // Safe methods need no token.
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: { cookie } })).statusCode,
        200,
      );
      const patch = (headers: Record<string, string>) =>
        app.inject({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: { cookie, ...headers },
          payload: { name: 'x' },
        });
      assertProblem(await patch({}), 403, 'csrf_failed');
      assertProblem(await patch({ 'x-csrf-token': '' }), 403, 'csrf_failed');
      assertProblem(await patch({ 'x-csrf-token': 'forged-value' }), 403, 'csrf_failed');
      assertProblem(await patch({ 'x-csrf-token': other.csrfToken }), 403, 'csrf_failed');
      // A site that plants a jotter_csrf cookie of its choice gains nothing: the token is
      // checked against the session, not against the cookie.
      const planted = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: {
          cookie: `${cookie.replace(/jotter_csrf=[^;]+/, 'jotter_csrf=evil')}`,
          'x-csrf-token': 'evil',
        },
        payload: { name: 'x' },
      });
      assertProblem(planted, 403, 'csrf_failed');
      assert.equal((await patch({ 'x-csrf-token': session.csrfToken })).statusCode, 200);
      // Logout by cookie needs it too.
      assertProblem(
        await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } }),
        403,
        'csrf_failed',
      );
    });

    test('bearer requests need no CSRF token', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const response = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: user.headers,
        payload: { name: 'x' },
      });
      assert.equal(response.statusCode, 200);
    });

    test('order of checks: 401, then 403 CSRF, then 415, then 400', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const session = await loginWithCookies(app, user.email, user.password);
      const bad = { 'content-type': 'text/plain' };
      assertProblem(
        await app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: bad, payload: 'x' }),
        401,
        'unauthenticated',
      );
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: { ...bad, cookie: session.headers.cookie },
          payload: 'x',
        }),
        403,
        'csrf_failed',
      );
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: { ...bad, ...session.headers },
          payload: 'x',
        }),
        415,
        'unsupported_media_type',
      );
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: { ...session.headers, 'content-type': 'application/json' },
          payload: '{',
        }),
        400,
        'invalid_json',
      );
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/users/me',
          headers: session.headers,
          payload: { role: 'admin' },
        }),
        400,
        'validation_failed',
      );
      assertProblem(
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/users/nope',
          headers: session.headers,
          payload: {},
        }),
        404,
        'not_found',
      );
    });

    test('the refresh cookie is scoped to the auth path', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password, mode: 'cookie' },
      });
      const refreshCookie = response.cookies.find((cookie) => cookie.name === 'jotter_refresh');
      assert.equal(refreshCookie?.path, '/api/v1/auth');
    });
  });
}
