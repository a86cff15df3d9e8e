import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { temporaryDirectory, testEngines, type TestEngine } from '../helpers/databases.ts';
import { dumpTables, fillSampleData, freshDatabase, runJotter } from './sample-data.ts';

async function searchFinds(db: Db, word: string): Promise<number> {
  const query =
    db.engine === 'sqlite'
      ? sql<{ n: number }>`SELECT count(*) AS n FROM notes_fts WHERE notes_fts MATCH ${word}`
      : sql<{
          n: number;
        }>`SELECT count(*) AS n FROM notes WHERE (search_title || search_body) @@ to_tsquery('simple', ${word})`;
  return Number((await query.execute(db.kysely)).rows[0]!.n);
}

const engines = await testEngines();
const postgres = engines.find((engine) => engine.name === 'postgres');
const sqlite: TestEngine = { name: 'sqlite' };

describe('jotter export and import', () => {
  test(
    'a populated database goes SQLite → PostgreSQL → SQLite with identical content',
    { skip: postgres ? false : 'needs PostgreSQL' },
    async (t) => {
      const dir = temporaryDirectory();
      t.after(() => dir.remove());
      const source = await freshDatabase(t, sqlite);
      await fillSampleData(source.db);
      const original = await dumpTables(source.db);
      assert.equal(original.users!.length, 3);

      const first = join(dir.path, 'first.jsonl');
      const exported = runJotter(['export', first], source.env);
      assert.equal(exported.status, 0, exported.stderr);
      assert.match(
        exported.stdout,
        /users 3, sessions 6, refresh_tokens 12, revoked_sessions 3, server_secrets 2, signing_keys 2/,
      );
      assert.equal(statSync(first).mode & 0o777, 0o600);

      const middle = await freshDatabase(t, postgres!, false);
      const imported = runJotter(['import', first], middle.env);
      assert.equal(imported.status, 0, imported.stderr);
      assert.match(
        imported.stdout,
        /users 3, sessions 6, refresh_tokens 12, revoked_sessions 3, server_secrets 2, signing_keys 2, notes 9, note_tags 12, todos 9, events 6/,
      );
      assert.deepEqual(await dumpTables(middle.db), original);
      assert.equal(await searchFinds(middle.db, 'zebra'), 6);

      const second = join(dir.path, 'second.jsonl.gz');
      assert.equal(runJotter(['export', second], middle.env).status, 0);
      assert.deepEqual([...readFileSync(second).subarray(0, 2)], [0x1f, 0x8b], 'gzip');
      assert.equal(readFileSync(first, 'utf8').at(0), '{', 'plain JSON lines');
      const last = await freshDatabase(t, sqlite, false);
      const back = runJotter(['import', second], last.env);
      assert.equal(back.status, 0, back.stderr);
      assert.deepEqual(await dumpTables(last.db), original);
      assert.equal(await searchFinds(last.db, 'zebra'), 6);
      assert.equal(await searchFinds(last.db, 'searchable'), 3);
    },
  );

  for (const engine of engines) {
    test(`export refuses an existing file and an unmigrated database (${engine.name})`, async (t) => {
      const dir = temporaryDirectory();
      t.after(() => dir.remove());
      const empty = await freshDatabase(t, engine, false);
      const file = join(dir.path, 'out.jsonl');
      const unmigrated = runJotter(['export', file], empty.env);
      assert.equal(unmigrated.status, 2);
      assert.match(unmigrated.stderr, /^jotter: .*jotter migrate/);

      await migrateToLatest(empty.db);
      assert.equal(runJotter(['export', file], empty.env).status, 0);
      const again = runJotter(['export', file], empty.env);
      assert.equal(again.status, 2);
      assert.match(again.stderr, /^jotter: .*already exists/);
    });
  }

  test('import refuses a database that holds data, and leaves it as it was', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const source = await freshDatabase(t, sqlite);
    await fillSampleData(source.db, 1);
    const file = join(dir.path, 'one.jsonl');
    assert.equal(runJotter(['export', file], source.env).status, 0);
    const before = await dumpTables(source.db);
    const refused = runJotter(['import', file], source.env);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^jotter: the database is not empty \(users 1/);
    assert.deepEqual(await dumpTables(source.db), before);
  });

  test('the command line wants exactly one file name', () => {
    for (const args of [['export'], ['import', 'a', 'b'], ['backup']]) {
      const result = runJotter(args, { DATA_DIR: '/nonexistent/jotter' });
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^jotter: \w+ takes one argument/);
    }
    const missing = runJotter(['import', '/nonexistent/file.jsonl'], { DATA_DIR: '/tmp' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^jotter: there is no file/);
  });
});
