// Registration and login (API.md, Auth): shapes, email and password rules, identical answers for
// unknown email and wrong password, disabled accounts, cookie mode.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { signUp, TEST_PASSWORD, uniqueEmail, cookiesOf } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';

const USER_KEYS = ['created_at', 'email', 'id', 'name', 'role', 'updated_at'];

for (const engine of await testEngines()) {
  describe(`register and login (${engine.name})`, () => {
    test('register answers 201 with a token pair and the user, never a hash', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const email = uniqueEmail();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email, password: TEST_PASSWORD, name: 'Ada' },
      });
      assert.equal(response.statusCode, 201);
      assert.equal(response.headers['cache-control'], 'no-store');
      const body = response.json<Record<string, unknown> & { user: Record<string, unknown> }>();
      assert.deepEqual(Object.keys(body).sort(), [
        'access_token',
        'expires_in',
        'refresh_token',
        'token_type',
        'user',
      ]);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 900);
      assert.deepEqual(Object.keys(body.user).sort(), USER_KEYS);
      assert.equal(body.user.email, email);
      assert.equal(body.user.name, 'Ada');
      assert.equal(body.user.role, 'user');
      assert.doesNotMatch(response.body, /argon2/);
      assert.ok((body.refresh_token as string).length >= 43);
    });

    test('emails are unique case-insensitively, stored as given, and compared lower-cased at login', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const email = `Mixed.Case-${Date.now()}@Example.COM`;
      const first = await signUp(app, { email });
      assert.equal(first.user.email, email);
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: email.toLowerCase(), password: TEST_PASSWORD },
      });
      assertProblem(again, 409, 'email_taken');
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: email.toUpperCase(), password: TEST_PASSWORD },
      });
      assert.equal(login.statusCode, 200);
      assert.equal(login.json<{ user: { email: string } }>().user.email, email);
    });

    test('concurrent registrations of one address: exactly one wins', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const email = uniqueEmail();
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/register',
            payload: { email: i % 2 ? email.toUpperCase() : email, password: TEST_PASSWORD },
          }),
        ),
      );
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [201, 409, 409, 409]);
    });

    const invalidRegistrations: [string, Record<string, unknown>, number, string, string?][] = [
      ['short password', { password: 'short7!' }, 400, 'weak_password', '/password'],
      ['common password', { password: 'password' }, 400, 'weak_password', '/password'],
      [
        'common password, other case',
        { password: 'QwertyUiop' },
        400,
        'weak_password',
        '/password',
      ],
      ['common digits', { password: '12345678' }, 400, 'weak_password', '/password'],
      ['password over 1024', { password: 'x'.repeat(1025) }, 400, 'validation_failed', '/password'],
      ['password not a string', { password: 12345678 }, 400, 'validation_failed', '/password'],
      ['bad email', { email: 'not-an-email' }, 400, 'validation_failed', '/email'],
      ['email over 254', { email: `${'a'.repeat(250)}@x.io` }, 400, 'validation_failed', '/email'],
      ['email with NUL', { email: 'a\u0000b@example.com' }, 400, 'validation_failed', '/email'],
      ['name over 100', { name: 'n'.repeat(101) }, 400, 'validation_failed', '/name'],
      ['name with NUL', { name: 'a\u0000' }, 400, 'validation_failed', '/name'],
      ['name with a lone surrogate', { name: 'a\ud800' }, 400, 'validation_failed', '/name'],
      ['name null', { name: null }, 400, 'validation_failed', '/name'],
      ['unknown member', { role: 'admin' }, 400, 'validation_failed', '/role'],
      ['missing email', { email: undefined }, 400, 'validation_failed', '/email'],
    ];
    for (const [name, change, status, code, field] of invalidRegistrations) {
      test(`register refuses: ${name}`, async (t) => {
        const { app } = await buildTestApp(t, engine);
        const payload = { email: uniqueEmail(), password: TEST_PASSWORD, ...change };
        const problem = assertProblem(
          await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload }),
          status,
          code,
        );
        if (field) assert.equal(problem.errors?.[0]?.field, field);
      });
    }

    test('a 1024-character password and odd Unicode are accepted and work at login', async (t) => {
      const { app } = await buildTestApp(t, engine);
      for (const password of [
        'p'.repeat(1024),
        'nul\u0000inside-password',
        '😀😀😀😀😀😀😀😀',
        'emoji name ok',
      ]) {
        const user = await signUp(app, { password, name: 'Zoë 😀 e\u0301' });
        const login = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password },
        });
        assert.equal(login.statusCode, 200, JSON.stringify(password));
        assert.equal(login.json<{ user: { name: string } }>().user.name, 'Zoë 😀 e\u0301');
      }
    });

    test('passwords are NFC-normalised: composed and decomposed accents are one password', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app, { password: 'caf\u00e9 au lait, s\u00fb' });
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'cafe\u0301 au lait, su\u0302' },
      });
      assert.equal(login.statusCode, 200);
    });

    test('unknown email and wrong password get identical answers', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'wrong password!' },
      });
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: uniqueEmail('nobody'), password: 'wrong password!' },
      });
      assertProblem(wrong, 401, 'invalid_credentials');
      assertProblem(unknown, 401, 'invalid_credentials');
      assert.equal(wrong.body, unknown.body);
      const stable = (headers: Record<string, unknown>): Record<string, unknown> =>
        Object.fromEntries(
          Object.entries(headers).filter(([name]) => name !== 'date' && name !== 'x-request-id'),
        );
      assert.deepEqual(stable(wrong.headers), stable(unknown.headers));
    });

    test('login rules: lengths checked before hashing, no strength rules', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: 'x'.repeat(1025) },
        }),
        400,
        'validation_failed',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: 'short' },
        }),
        401,
        'invalid_credentials',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: 'password' },
        }),
        401,
        'invalid_credentials',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'x'.repeat(255), password: 'password' },
        }),
        400,
        'validation_failed',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: TEST_PASSWORD, mode: 'session' },
        }),
        400,
        'validation_failed',
      );
    });

    test('a disabled account: wrong password is 401, only the right one reveals 403', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const user = await signUp(app);
      await db.kysely
        .updateTable('users')
        .set({ disabled: true })
        .where('id', '=', user.user.id)
        .execute();
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: 'wrong password!' },
        }),
        401,
        'invalid_credentials',
      );
      assertProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: TEST_PASSWORD },
        }),
        403,
        'account_disabled',
      );
    });

    test('cookie mode sets the three cookies and never puts tokens in the body', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: TEST_PASSWORD, mode: 'cookie' },
      });
      assert.equal(response.statusCode, 200);
      const body = response.json<Record<string, unknown>>();
      assert.deepEqual(Object.keys(body).sort(), ['csrf_token', 'expires_in', 'user']);
      const cookies = cookiesOf(response);
      assert.deepEqual(Object.keys(cookies).sort(), [
        'jotter_access',
        'jotter_csrf',
        'jotter_refresh',
      ]);
      assert.equal(cookies.jotter_csrf, body.csrf_token);
      assert.ok(!response.body.includes(cookies.jotter_access!));
      assert.ok(!response.body.includes(cookies.jotter_refresh!));
      const byName = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie]));
      assert.equal(byName.jotter_access?.httpOnly, true);
      assert.equal(byName.jotter_access?.sameSite, 'Lax');
      assert.equal(byName.jotter_access?.path, '/');
      assert.equal(byName.jotter_refresh?.httpOnly, true);
      assert.equal(byName.jotter_refresh?.sameSite, 'Strict');
      assert.equal(byName.jotter_refresh?.path, '/api/v1/auth');
      assert.equal(byName.jotter_csrf?.httpOnly, undefined);
      assert.equal(byName.jotter_csrf?.sameSite, 'Strict');
      assert.equal(byName.jotter_csrf?.path, '/');
      for (const cookie of response.cookies) assert.equal(cookie.secure, undefined, cookie.name);
      // register takes the same mode
      const registered = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: uniqueEmail(), password: TEST_PASSWORD, mode: 'cookie' },
      });
      assert.equal(registered.statusCode, 201);
      assert.deepEqual(Object.keys(registered.json<object>()).sort(), [
        'csrf_token',
        'expires_in',
        'user',
      ]);
    });

    test('under an https PUBLIC_URL every cookie is Secure', async (t) => {
      const { app } = await buildTestApp(t, engine, {
        env: { PUBLIC_URL: 'https://notes.example.com' },
      });
      const user = await signUp(app);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: TEST_PASSWORD, mode: 'cookie' },
      });
      for (const cookie of response.cookies) assert.equal(cookie.secure, true, cookie.name);
    });
  });
}
