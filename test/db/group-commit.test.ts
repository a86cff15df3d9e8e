// SQLite's group commit (src/db/group-commit.ts): writes queued in one turn share a transaction,
// each settles only once that transaction committed, and a failing write undoes no other one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { openDatabase, SQLITE_FILE_NAME, type Db } from '../../src/db/connect.ts';
import { groupCommit } from '../../src/db/group-commit.ts';
import { temporaryDirectory } from '../helpers/databases.ts';

describe('SQLite group commit', () => {
  const directory = temporaryDirectory();
  let db: Db;
  /** A second connection to the same file: it sees only what was committed. */
  let observer: DatabaseSync;

  const insert = (value: string) => () => {
    db.sqlite!.prepare('INSERT INTO items (value) VALUES (?)').run([value]);
    return value;
  };
  const committed = (value: string): boolean =>
    observer.prepare('SELECT 1 FROM items WHERE value = ?').get(value) !== undefined;

  before(() => {
    db = openDatabase({ dataDir: directory.path, databaseUrl: undefined });
    db.sqlite!.raw.exec('CREATE TABLE items (value TEXT NOT NULL UNIQUE)');
    observer = new DatabaseSync(join(directory.path, SQLITE_FILE_NAME));
  });

  after(async () => {
    observer.close();
    await db.close();
    directory.remove();
  });

  test('writes queued in one turn commit together, and resolve once committed', async () => {
    const commits = groupCommit(db);
    const seenBySecond: boolean[] = [];
    const first = commits.run(insert('a1'));
    const second = commits.run(() => {
      // Inside the shared transaction: the first write is not committed yet.
      seenBySecond.push(committed('a1'));
      return insert('a2')();
    });
    const settled = await Promise.all([
      first.then((value) => [value, committed('a1'), committed('a2')]),
      second,
    ]);
    assert.deepEqual(seenBySecond, [false]);
    // When the first write's promise settled, both were committed.
    assert.deepEqual(settled, [['a1', true, true], 'a2']);
  });

  test('a failing write is rolled back alone; the others of its batch commit', async () => {
    const commits = groupCommit(db);
    const results = await Promise.allSettled([
      commits.run(insert('b1')),
      commits.run(() => {
        insert('b2')();
        insert('b1')(); // violates UNIQUE: this write fails after one of its statements ran
      }),
      commits.run(insert('b3')),
    ]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.match(String(results[1].reason), /UNIQUE constraint failed/);
    assert.equal(results[2].status, 'fulfilled');
    assert.deepEqual(
      ['b1', 'b2', 'b3'].map((value) => committed(value)),
      [true, false, true],
    );
  });

  test('a failure of the transaction itself fails every write of the batch', async () => {
    const commits = groupCommit(db);
    // A second writer holds the write lock; BEGIN IMMEDIATE gives up after a short busy timeout.
    db.sqlite!.raw.exec('PRAGMA busy_timeout = 50');
    observer.exec('BEGIN IMMEDIATE');
    try {
      const results = await Promise.allSettled([
        commits.run(insert('c1')),
        commits.run(insert('c2')),
      ]);
      assert.deepEqual(
        results.map((result) => result.status),
        ['rejected', 'rejected'],
      );
      assert.match(String((results[0] as PromiseRejectedResult).reason), /locked/);
    } finally {
      observer.exec('ROLLBACK');
      db.sqlite!.raw.exec('PRAGMA busy_timeout = 5000');
    }
    // The connection is usable again.
    assert.equal(await commits.run(insert('c3')), 'c3');
    assert.deepEqual(
      ['c1', 'c2', 'c3'].map((value) => committed(value)),
      [false, false, true],
    );
  });
});
