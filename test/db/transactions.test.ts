// Kysely's transactions on SQLite (src/db/sqlite-driver.ts): they begin IMMEDIATE, holding the
// file's write lock from their start, so one that reads and then writes never meets SQLITE_BUSY
// for a commit another process made in between; read-only ones (an export) begin deferred and
// never keep another process from writing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, SQLITE_FILE_NAME, type Db } from '../../src/db/connect.ts';
import { temporaryDirectory } from '../helpers/databases.ts';

describe('SQLite transactions', () => {
  const directory = temporaryDirectory();
  let db: Db;
  /** Another connection to the file, as another process would have; it never waits. */
  let other: DatabaseSync;

  before(() => {
    db = openDatabase({ dataDir: directory.path, databaseUrl: undefined });
    db.sqlite!.raw.exec('CREATE TABLE items (value TEXT NOT NULL)');
    other = new DatabaseSync(join(directory.path, SQLITE_FILE_NAME), { timeout: 0 });
  });

  after(async () => {
    other.close();
    await db.close();
    directory.remove();
  });

  const otherWrites = (value: string): boolean => {
    try {
      other.prepare('INSERT INTO items (value) VALUES (?)').run(value);
      return true;
    } catch (error) {
      assert.match(String(error), /locked|busy/i);
      return false;
    }
  };

  test('a transaction holds the write lock from its start', async () => {
    await db.kysely.transaction().execute(async (trx) => {
      await sql`SELECT count(*) FROM items`.execute(trx);
      assert.equal(otherWrites('during'), false, 'the other connection waits for the lock');
      await sql`INSERT INTO items (value) VALUES ('mine')`.execute(trx);
    });
    assert.equal(otherWrites('after'), true);
  });

  test('a read-only transaction lets others write while it reads its snapshot', async () => {
    await db.kysely
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        const before = await sql<{ n: number }>`SELECT count(*) AS n FROM items`.execute(trx);
        assert.equal(otherWrites('while reading'), true);
        const again = await sql<{ n: number }>`SELECT count(*) AS n FROM items`.execute(trx);
        assert.equal(again.rows[0]!.n, before.rows[0]!.n, 'the same snapshot');
      });
  });
});
