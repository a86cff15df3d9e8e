import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithToken, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { sampleValue, scrape } from '../helpers/prometheus.ts';

for (const engine of await testEngines()) {
  describe(`/metrics through real logins and refreshes (${engine.name})`, () => {
    test('counts login and refresh outcomes and live sessions', async (t) => {
      const { app } = await buildTestApp(t, engine, {
        env: { REFRESH_REUSE_GRACE: '0', LOGIN_MAX_FAILURES: '2' },
      });
      const account = await signUp(app);
      const login = async (password: string) =>
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: account.email, password },
          })
        ).statusCode;
      const session = await loginWithToken(app, account.email, account.password);
      assert.equal(await login('wrong password 1'), 401);
      assert.equal(await login('wrong password 2'), 401);
      assert.equal(await login(account.password), 429);

      const refresh = async (token: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: token },
        });
      const rotated = await refresh(session.refreshToken);
      assert.equal(rotated.statusCode, 200);
      assert.equal((await refresh(session.refreshToken)).statusCode, 401);
      assert.equal((await refresh('not-a-token')).statusCode, 401);

      const scraped = await scrape(app);
      const logins = (outcome: string) => sampleValue(scraped, 'jotter_logins_total', { outcome });
      const refreshes = (outcome: string) =>
        sampleValue(scraped, 'jotter_refreshes_total', { outcome });
      assert.equal(logins('succeeded'), 1);
      assert.equal(logins('failed'), 2);
      assert.equal(logins('throttled'), 1);
      assert.equal(refreshes('rotated'), 1);
      assert.equal(refreshes('reused'), 1);
      assert.equal(refreshes('invalid'), 1);
      // Registration's session and the login's, which the reuse revoked: one is live.
      assert.equal(sampleValue(scraped, 'jotter_active_sessions'), 1);
      const loginRoute = { method: 'POST', route: '/api/v1/auth/login', status: '401' };
      assert.equal(sampleValue(scraped, 'jotter_http_requests_total', loginRoute), 2);
    });
  });
}
