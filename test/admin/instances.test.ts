// Disabling an account on one instance ends its sessions on every instance sharing the database.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { buildPeerApp, buildTestApp } from '../helpers/app.ts';
import { loginWithToken, signUp } from '../helpers/auth.ts';
import { signUpAdmin } from '../helpers/admin.ts';
import { testEngines } from '../helpers/databases.ts';

const postgres = (await testEngines()).find((engine) => engine.name === 'postgres');

describe(
  'admin actions across instances',
  { skip: !postgres && 'PostgreSQL not reachable' },
  () => {
    test('a disabled account is refused by another instance within a second', async (t) => {
      const a = await buildTestApp(t, postgres!);
      const b = await buildPeerApp(t, a.config);
      const admin = await signUpAdmin(a.app, a.db);
      const user = await signUp(a.app);
      const elsewhere = await loginWithToken(b.app, user.email, user.password);
      for (const headers of [user.headers, elsewhere.headers]) {
        assert.equal((await b.app.inject({ url: '/api/v1/users/me', headers })).statusCode, 200);
      }
      const disabled = await a.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${user.user.id}`,
        headers: admin.headers,
        payload: { disabled: true },
      });
      assert.equal(disabled.statusCode, 200);
      const started = Date.now();
      for (const headers of [user.headers, elsewhere.headers]) {
        for (;;) {
          const response = await b.app.inject({ url: '/api/v1/users/me', headers });
          if (response.statusCode === 401) break;
          assert.ok(Date.now() - started < 1000, `still ${response.statusCode} after a second`);
          await sleep(20);
        }
      }
    });
  },
);
