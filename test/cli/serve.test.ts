import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { temporaryDirectory } from '../helpers/databases.ts';
import { JOTTER_BIN, startServerProcess } from '../helpers/server.ts';

describe('jotter serve', () => {
  test('starts on a new DATA_DIR, serves, and stops cleanly on SIGTERM', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const dataDir = join(dir.path, 'data');
    const server = await startServerProcess({ DATA_DIR: dataDir });
    t.after(() => server.stop('SIGKILL'));
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs']) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 200, path);
    }

    // A second process may open the database while the server runs (SQLite locking, busy timeout).
    const reader = new DatabaseSync(join(dataDir, 'jotter.db'), { timeout: 5000 });
    assert.equal((reader.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n, 0);
    reader.close();

    // A second server on the same DATA_DIR refuses to start, with one clear line.
    const second = spawnSync(process.execPath, [JOTTER_BIN, 'serve'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(second.status, 2, second.stderr);
    assert.match(
      second.stderr.trim(),
      /^jotter: another jotter server is already running on DATA_DIR/,
    );

    assert.equal(await server.stop('SIGTERM'), 0);
    const reopened = new DatabaseSync(join(dataDir, 'jotter.db'));
    assert.equal(
      (reopened.prepare('PRAGMA integrity_check').get() as { integrity_check: string })
        .integrity_check,
      'ok',
    );
    reopened.close();

    // The lock went with the process: the server starts again on the same data.
    const again = await startServerProcess({ DATA_DIR: dataDir });
    assert.equal((await fetch(again.url + '/readyz')).status, 200);
    assert.equal(await again.stop('SIGINT'), 0);
  });

  test('a killed server leaves no stale lock and a database that opens cleanly', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const server = await startServerProcess({ DATA_DIR: dir.path });
    await server.stop('SIGKILL');
    const again = await startServerProcess({ DATA_DIR: dir.path });
    assert.equal((await fetch(again.url + '/readyz')).status, 200);
    assert.equal(await again.stop(), 0);
  });

  test('jotter migrate applies migrations and exits; again it has nothing to do', () => {
    const dir = temporaryDirectory();
    try {
      const run = (): ReturnType<typeof spawnSync> =>
        spawnSync(process.execPath, [JOTTER_BIN, 'migrate'], {
          env: { PATH: process.env.PATH, DATA_DIR: dir.path },
          encoding: 'utf8',
        });
      const first = run();
      assert.equal(first.status, 0, String(first.stderr));
      assert.match(String(first.stdout), /Applied 0001-accounts/);
      const second = run();
      assert.equal(second.status, 0);
      assert.match(String(second.stdout), /up to date/);
    } finally {
      dir.remove();
    }
  });

  test('an unknown command is a usage error', () => {
    const result = spawnSync(process.execPath, [JOTTER_BIN, 'frobnicate'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });
});
