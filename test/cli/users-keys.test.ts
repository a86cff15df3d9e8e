import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { temporaryDirectory } from '../helpers/databases.ts';
import { JOTTER_BIN, startServerProcess } from '../helpers/server.ts';

function jotter(dataDir: string, args: string[], input?: string) {
  return spawnSync(process.execPath, [JOTTER_BIN, ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    input,
    encoding: 'utf8',
  });
}

describe('jotter users and keys', () => {
  test('users create makes an admin who can log in; errors are one line with exit 2', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const created = jotter(
      dir.path,
      ['users', 'create', '--email', 'Root@Example.com', '--role', 'admin'],
      'the admin passphrase\n',
    );
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /Created admin Root@Example.com/);
    for (const [args, message] of [
      [
        ['users', 'create', '--email', 'root@example.com', '--password', 'another passphrase'],
        /already exists/,
      ],
      [['users', 'create', '--email', 'x@example.com', '--password', 'password'], /weak password/],
      [
        ['users', 'create', '--email', 'not-an-email', '--password', 'a long passphrase'],
        /not an email address/,
      ],
      [
        [
          'users',
          'create',
          '--email',
          'y@example.com',
          '--role',
          'root',
          '--password',
          'a long passphrase',
        ],
        /--role/,
      ],
      [['users', 'create'], /--email/],
    ] as const) {
      const result = jotter(dir.path, [...args]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }

    const server = await startServerProcess({ DATA_DIR: dir.path });
    t.after(() => server.stop('SIGKILL'));
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'the admin passphrase' }),
    });
    assert.equal(login.status, 200);
    const body = (await login.json()) as { user: { role: string }; access_token: string };
    assert.equal(body.user.role, 'admin');
    const oldKid = decodeProtectedHeader(body.access_token).kid;
    await server.stop();

    const rotated = jotter(dir.path, ['keys', 'rotate']);
    assert.equal(rotated.status, 0, rotated.stderr);
    const again = await startServerProcess({ DATA_DIR: dir.path });
    t.after(() => again.stop('SIGKILL'));
    const jwks = (await (await fetch(`${again.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    assert.equal(jwks.keys.length, 2);
    // The token signed by the old key still works on the restarted server.
    const me = await fetch(`${again.url}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(me.status, 200);
    const relogin = await fetch(`${again.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'the admin passphrase' }),
    });
    const fresh = (await relogin.json()) as { access_token: string };
    assert.notEqual(decodeProtectedHeader(fresh.access_token).kid, oldKid);
  });
});
