import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { temporaryDirectory } from '../helpers/databases.ts';
import { JOTTER_BIN, startServerProcess } from '../helpers/server.ts';

describe('an administrator made with the command line', () => {
  test('manages accounts over the API of a running server', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const env = { PATH: process.env.PATH ?? '', DATA_DIR: dir.path, LOG_LEVEL: 'silent' };
    const created = spawnSync(
      process.execPath,
      [JOTTER_BIN, 'users', 'create', '--email', 'root@example.com', '--role', 'admin'],
      { env, input: 'a long admin passphrase\n', encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(created.status, 0, created.stderr);

    const server = await startServerProcess({ DATA_DIR: dir.path });
    t.after(() => server.stop('SIGKILL'));
    interface Answer {
      access_token: string;
      user: { id: string };
      items: unknown[];
      disabled: boolean;
    }
    const call = async (path: string, init: RequestInit = {}, token?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await fetch(server.url + path, { ...init, headers });
      const body = (await response.json().catch(() => ({}))) as Answer;
      return { status: response.status, body };
    };
    const registered = await call('/api/v1/auth/register', {
      method: 'POST',
      body: JSON.stringify({ email: 'someone@example.com', password: 'someone else entirely' }),
    });
    assert.equal(registered.status, 201);
    const login = await call('/api/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: 'root@example.com', password: 'a long admin passphrase' }),
    });
    assert.equal(login.status, 200);
    const token = login.body.access_token;

    const list = await call('/api/v1/admin/users?q=someone', {}, token);
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const disabled = await call(
      `/api/v1/admin/users/${registered.body.user.id}`,
      { method: 'PATCH', body: JSON.stringify({ disabled: true }) },
      token,
    );
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.disabled, true);
    const refused = await call('/api/v1/users/me', {}, registered.body.access_token);
    assert.equal(refused.status, 401);
    const events = await call('/api/v1/admin/events?type=account_disabled', {}, token);
    assert.equal(events.body.items.length, 1);
    assert.equal(await server.stop('SIGTERM'), 0);
  });
});
