// Races on the auth endpoints, each repeated so the interleavings vary: many refreshes of one
// token, logout against refresh, password change against logins with the old password, account
// deletion against login, logins and registrations at once. The outcomes are those API.md
// promises; no duplicate session, no session that outlives the change that should end it, no 500.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '../../src/app.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUpAdmin } from '../helpers/admin.ts';
import { signUp, TEST_PASSWORD, uniqueEmail, type SignedUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { report, scaled } from '../helpers/hardening.ts';
import { assertProblem } from '../helpers/problems.ts';

interface Pair {
  access_token: string;
  refresh_token: string;
}

// Limits out of the way: these tests are about interleavings, not throttling (login attempts are
// counted before the password is checked, so ten logins at once would otherwise meet the limit).
const RELAXED = {
  REGISTER_MAX_PER_HOUR: '100000',
  REFRESH_MAX_PER_MINUTE: '100000',
  LOGIN_MAX_FAILURES: '1000',
};

function refresh(app: App, token: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    payload: { refresh_token: token },
  });
}

function login(app: App, email: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
}

function me(app: App, accessToken: string) {
  return app.inject({
    url: '/api/v1/users/me',
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

async function liveSessionIds(app: App, user: { headers: { authorization: string } }) {
  const response = await app.inject({ url: '/api/v1/auth/sessions', headers: user.headers });
  assert.equal(response.statusCode, 200);
  return response.json<{ items: { id: string }[] }>().items.map((item) => item.id);
}

async function reuseEvents(app: App): Promise<number> {
  const rows = await app.db.kysely
    .selectFrom('events')
    .select('id')
    .where('type', '=', 'refresh_reused')
    .execute();
  return rows.length;
}

/** Runs `tasks` at once, the i-th after i × `spacingMs`, so races land at varied moments. */
function staggered<T>(tasks: (() => Promise<T>)[], spacingMs: number): Promise<T[]> {
  return Promise.all(tasks.map(async (task, i) => (await sleep(i * spacingMs), task())));
}

const rounds = scaled(3, 12);

async function afterTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

for (const engine of await testEngines()) {
  describe(`auth races (${engine.name})`, () => {
    test('many refreshes of one token: all answered in the grace, one session, each token once', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: RELAXED });
      const user = await signUp(app);
      let token = user.refreshToken;
      for (let round = 0; round < rounds; round++) {
        const answers = await Promise.all(Array.from({ length: 12 }, () => refresh(app, token)));
        for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
        const pairs = answers.map((answer) => answer.json<Pair>());
        assert.equal(new Set(pairs.map((pair) => pair.refresh_token)).size, pairs.length);
        assert.equal((await liveSessionIds(app, user)).length, 1, 'no duplicate session');
        // Every token handed out works once; the last one carries on.
        const next = await Promise.all(pairs.map((pair) => refresh(app, pair.refresh_token)));
        for (const answer of next) assert.equal(answer.statusCode, 200);
        token = next.at(-1)!.json<Pair>().refresh_token;
      }
      assert.equal(await reuseEvents(app), 0);
    });

    test('without a grace, a concurrent reuse either shares the rotation or revokes the session', async (t) => {
      const { app } = await buildTestApp(t, engine, {
        env: { ...RELAXED, REFRESH_REUSE_GRACE: '0' },
      });
      for (let round = 0; round < rounds; round++) {
        const user = await signUp(app);
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => refresh(app, user.refreshToken)),
        );
        const statuses = answers.map((answer) => answer.statusCode);
        // A reuse revokes the session; a refresh finishing after that finds it ended. So either
        // every answer is a pair of the one session, or the session is revoked and said so.
        const codes = answers
          .filter((answer) => answer.statusCode !== 200)
          .map((answer) => assertProblem(answer, 401, answer.json<{ code: string }>().code).code);
        for (const code of codes)
          assert.ok(['refresh_token_reused', 'invalid_refresh_token'].includes(code), code);
        if (codes.length > 0) assert.ok(codes.includes('refresh_token_reused'), codes.join());
        const issued = answers.filter((a) => a.statusCode === 200).map((a) => a.json<Pair>());
        if (statuses.includes(401)) {
          // The session is revoked: nothing it issued works any more.
          for (const pair of issued) {
            assertProblem(await me(app, pair.access_token), 401, 'invalid_token');
            assert.equal((await refresh(app, pair.refresh_token)).statusCode, 401);
          }
        } else {
          assert.equal((await liveSessionIds(app, user)).length, 1);
        }
      }
    });

    test('logout racing refresh: the session ends either way and nothing is taken for a theft', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: RELAXED });
      const outcomes: Record<string, number> = {};
      for (let round = 0; round < rounds * 6; round++) {
        const user = await signUp(app);
        // The refresh starts 0..23 event-loop turns after the logout, so it meets the logout at
        // every step: before, during and after its transaction.
        const [logout, refreshed] = await Promise.all([
          app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers }),
          afterTurns(round % 24).then(() => refresh(app, user.refreshToken)),
        ]);
        assert.equal(logout.statusCode, 204);
        const key = `${refreshed.statusCode} ${refreshed.json<{ code?: string }>().code ?? ''}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (refreshed.statusCode === 200) {
          const pair = refreshed.json<Pair>();
          assertProblem(await me(app, pair.access_token), 401, 'invalid_token');
          assertProblem(await refresh(app, pair.refresh_token), 401, 'invalid_refresh_token');
        } else {
          assertProblem(refreshed, 401, 'invalid_refresh_token');
        }
        assertProblem(await refresh(app, user.refreshToken), 401, 'invalid_refresh_token');
      }
      assert.equal(await reuseEvents(app), 0, 'a logout is not a stolen token');
      report(`auth-races/logout-refresh (${engine.name})`, outcomes);
    });

    test('password change racing logins with the old password: no old-password session survives', async (t) => {
      const { app } = await buildTestApp(t, engine, {
        env: { ...RELAXED, LOGIN_MAX_FAILURES: '1000' },
      });
      const outcomes: Record<number, number> = {};
      for (let round = 0; round < rounds; round++) {
        const user = await signUp(app);
        const newPassword = `${TEST_PASSWORD} ${round} renewed`;
        const logins = Array.from(
          { length: 10 },
          () => () => login(app, user.email, user.password),
        );
        const [changed, ...answers] = await staggered(
          [
            () =>
              app.inject({
                method: 'POST',
                url: '/api/v1/users/me/password',
                headers: user.headers,
                payload: { current_password: user.password, new_password: newPassword },
              }),
            ...logins,
          ],
          8,
        );
        assert.equal(changed!.statusCode, 204, changed!.body);
        for (const answer of answers) {
          outcomes[answer.statusCode] = (outcomes[answer.statusCode] ?? 0) + 1;
          if (answer.statusCode === 200) {
            // A login that won the race is ended by the change.
            assertProblem(await me(app, answer.json<Pair>().access_token), 401, 'invalid_token');
            assertProblem(
              await refresh(app, answer.json<Pair>().refresh_token),
              401,
              'invalid_refresh_token',
            );
          } else {
            assertProblem(answer, 401, 'invalid_credentials');
          }
        }
        const sessionId = (await liveSessionIds(app, user))[0]!;
        assert.deepEqual(await liveSessionIds(app, user), [sessionId], 'only the changer remains');
        assertProblem(await login(app, user.email, user.password), 401, 'invalid_credentials');
        assert.equal((await login(app, user.email, newPassword)).statusCode, 200);
      }
      report(`auth-races/password-login (${engine.name})`, outcomes);
    });

    test('account deletion racing logins: each login succeeds before or fails after, never a 500', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: RELAXED });
      for (let round = 0; round < rounds; round++) {
        const user = await signUp(app);
        const [deleted, ...answers] = await staggered(
          [
            () =>
              app.inject({
                method: 'DELETE',
                url: '/api/v1/users/me',
                headers: user.headers,
                payload: { password: user.password },
              }),
            ...Array.from({ length: 6 }, () => () => login(app, user.email, user.password)),
          ],
          8,
        );
        assert.equal(deleted!.statusCode, 204, deleted!.body);
        for (const answer of answers) {
          if (answer.statusCode === 200)
            assertProblem(await me(app, answer.json<Pair>().access_token), 401, 'invalid_token');
          else assertProblem(answer, 401, 'invalid_credentials');
        }
        const rows = await app.db.kysely
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', user.user.id)
          .execute();
        assert.deepEqual(rows, [], 'no session of a deleted account');
      }
    });

    test('an administrator disabling or deleting an account racing its logins: no session survives', async (t) => {
      const { app, db } = await buildTestApp(t, engine, { env: RELAXED });
      const admin = await signUpAdmin(app, db);
      const outcomes: Record<string, number> = {};
      for (let round = 0; round < rounds * 2; round++) {
        const user = await signUp(app);
        const action = round % 2 ? 'delete' : 'disable';
        // The logins start first; the action lands 0..119 ms later, while their hashes are
        // being checked or their sessions written.
        const logins = Array.from({ length: 6 }, (_, i) =>
          sleep(i * 2).then(() => login(app, user.email, user.password)),
        );
        const acted = await sleep((round * 17) % 120).then(() =>
          app.inject({
            method: action === 'delete' ? 'DELETE' : 'PATCH',
            url: `/api/v1/admin/users/${user.user.id}`,
            headers: admin.headers,
            ...(action === 'delete' ? {} : { payload: { disabled: true } }),
          }),
        );
        const answers = await Promise.all(logins);
        assert.ok([200, 204].includes(acted.statusCode), acted.body);
        for (const answer of answers) {
          const key = `${action} ${answer.statusCode}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
          if (answer.statusCode === 200) {
            // A login that won the race is ended with the account.
            const token = answer.json<Pair>().access_token;
            assertProblem(await me(app, token), 401, 'invalid_token');
            const note = await app.inject({
              method: 'POST',
              url: '/api/v1/notes',
              headers: { authorization: `Bearer ${token}` },
              payload: { title: 'after the account ended' },
            });
            assertProblem(note, 401, 'invalid_token');
          } else if (action === 'disable' && answer.statusCode === 403) {
            assertProblem(answer, 403, 'account_disabled');
          } else {
            assertProblem(answer, 401, 'invalid_credentials');
          }
        }
        const rows = await app.db.kysely
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', user.user.id)
          .execute();
        assert.deepEqual(rows, [], `no session of a ${action}d account`);
      }
      report(`auth-races/admin-login (${engine.name})`, outcomes);
    });

    test('logins and registrations at once: distinct sessions, one account per address', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: RELAXED });
      const user: SignedUp = await signUp(app);
      const logins = await Promise.all(
        Array.from({ length: 10 }, () => login(app, user.email, user.password)),
      );
      for (const answer of logins) assert.equal(answer.statusCode, 200);
      const sessions = await liveSessionIds(app, user);
      assert.equal(sessions.length, 11);
      assert.equal(new Set(sessions).size, 11);

      const email = uniqueEmail('race');
      const registrations = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/register',
            payload: { email: i % 2 ? email : email.toUpperCase(), password: TEST_PASSWORD },
          }),
        ),
      );
      const statuses = registrations.map((answer) => answer.statusCode).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
      for (const answer of registrations)
        if (answer.statusCode === 409) assertProblem(answer, 409, 'email_taken');
    });
  });
}
