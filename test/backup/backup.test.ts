import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import type { Row } from '../../src/backup/tables.ts';
import { parseConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { POSTGRES_URL, temporaryDirectory } from '../helpers/databases.ts';
import { JOTTER_BIN, startServerProcess } from '../helpers/server.ts';
import { dumpTables, fillSampleData, freshDatabase, runJotter } from './sample-data.ts';

/** Adds a user and two sessions in one transaction, so a consistent copy has 2 sessions per user. */
function addUserWithSessions(database: DatabaseSync, n: number): void {
  const now = new Date().toISOString();
  const userId = `writer-${n}`;
  database.exec('BEGIN IMMEDIATE');
  database
    .prepare(
      `INSERT INTO users (id, email, email_lower, password_hash, name, role, created_at, updated_at)
       VALUES (?, ?, ?, 'x', '', 'user', ?, ?)`,
    )
    .run(userId, `${userId}@example.com`, `${userId}@example.com`, now, now);
  for (const suffix of ['a', 'b']) {
    database
      .prepare(
        `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(`${userId}-${suffix}`, userId, now, now, now);
  }
  database.exec('COMMIT');
}

describe('jotter backup', () => {
  test('copies the live database consistently while the server runs and others write', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const dataDir = join(dir.path, 'data');
    const source = openDatabase(parseConfig({ DATA_DIR: dataDir }));
    await migrateToLatest(source);
    await fillSampleData(source, 2);
    await source.close();

    const server = await startServerProcess({ DATA_DIR: dataDir });
    t.after(() => server.stop('SIGKILL'));
    const writer = new DatabaseSync(join(dataDir, 'jotter.db'), { timeout: 5000 });
    t.after(() => writer.close());

    const file = join(dir.path, 'backup.db');
    const child = spawn(process.execPath, [JOTTER_BIN, 'backup', file], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    let writes = 0;
    // Writes go on, a transaction at a time, until the backup ends (bounded).
    while (child.exitCode === null && writes < 5000) {
      addUserWithSessions(writer, writes++);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const [code] = (await exited) as [number];
    assert.equal(code, 0, output);
    assert.match(output, /^Backed up .*jotter\.db to .*backup\.db: users \d+, sessions \d+/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(dir.path).filter((name) => name.includes('partial')),
      [],
    );

    const copy = new DatabaseSync(file, { readOnly: true });
    t.after(() => copy.close());
    const integrity = copy.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
    assert.equal(integrity.integrity_check, 'ok');
    // Every writer transaction is in the copy whole or not at all.
    const uneven = copy
      .prepare(
        `SELECT u.id FROM users u LEFT JOIN sessions s ON s.user_id = u.id
         WHERE u.id LIKE 'writer-%' GROUP BY u.id HAVING count(s.id) <> 2`,
      )
      .all();
    assert.deepEqual(uneven, []);

    // Apart from the writer's rows, the copy holds exactly what the live database holds, and it
    // opens as a Jotter database.
    const restoredDir = join(dir.path, 'restored');
    mkdirSync(restoredDir);
    copyFileSync(file, join(restoredDir, 'jotter.db'));
    const restored = openDatabase(parseConfig({ DATA_DIR: restoredDir }));
    t.after(() => restored.close());
    const live = openDatabase(parseConfig({ DATA_DIR: dataDir }));
    t.after(() => live.close());
    const withoutWriters = (dump: Record<string, Row[]>) =>
      Object.fromEntries(
        Object.entries(dump).map(([table, rows]) => [
          table,
          rows.filter((row) => !String(row.id ?? row.user_id).startsWith('writer-')),
        ]),
      );
    const copied = withoutWriters(await dumpTables(restored));
    assert.deepEqual(copied, withoutWriters(await dumpTables(live)));
    assert.equal(copied.users!.length, 2);
    assert.equal(copied.notes!.length, 6);

    const again = runJotter(['backup', file], { DATA_DIR: dataDir });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /^jotter: .*already exists/);
  });

  test('refuses PostgreSQL, a missing database and an unwritable place', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const onPostgres = runJotter(['backup', join(dir.path, 'x.db')], {
      DATABASE_URL: POSTGRES_URL,
    });
    assert.equal(onPostgres.status, 2);
    assert.match(onPostgres.stderr, /^jotter: .*pg_dump/);

    const missing = runJotter(['backup', join(dir.path, 'x.db')], {
      DATA_DIR: join(dir.path, 'none'),
    });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^jotter: there is no database/);
    assert.equal(existsSync(join(dir.path, 'none')), false);

    const { env } = await freshDatabase(t, { name: 'sqlite' });
    const nowhere = runJotter(['backup', join(dir.path, 'no', 'such', 'dir', 'x.db')], env);
    assert.equal(nowhere.status, 2);
    assert.match(nowhere.stderr, /^jotter: /);
    writeFileSync(join(dir.path, 'taken.db'), 'keep me');
    const taken = runJotter(['backup', join(dir.path, 'taken.db')], env);
    assert.equal(taken.status, 2);
  });
});
