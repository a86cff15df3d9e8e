// Group commit on SQLite: the writes that reach the database in one turn of the event loop are
// committed together, in one transaction, and each is answered only after that COMMIT. A commit
// is a large part of a small write's cost on SQLite (the WAL frames of every page it touched, and
// the checkpoints that copy them back), and writes that commit together share those pages: a note
// create cost ~40 % less in groups of 8 or more (README.md, "Performance").
//
// - When any write of a batch fails, the whole transaction is rolled back and each of its writes
//   is run again in a transaction of its own, so one failure undoes no other write. (Not a
//   SAVEPOINT per write: in the micro-benchmark of README.md, "Performance", SAVEPOINT and
//   RELEASE around each note cost ~130 µs, more than the group commit saves; the FTS5 table
//   writes a segment at every savepoint.) A write is therefore a function of its statements'
//   parameters only, safe to run twice when the first run was rolled back.
// - A write's promise resolves after COMMIT returned, so an answer sent on it is as durable as
//   one of its own transaction (WAL, synchronous=NORMAL) and visible to every later read,
//   searches included (the FTS5 triggers run inside the same transaction).
// - The batch runs synchronously on the connection Kysely's mutex hands out, so no other query
//   or open transaction of this process can come between its statements; other processes on the
//   same file (WORKERS > 1, `jotter migrate`) are kept out by BEGIN IMMEDIATE, which waits for
//   the write lock under the busy timeout as any write does.
import type { Db } from './connect.ts';
import type { NodeSqliteDatabase } from './sqlite-driver.ts';

/** A write's statements, run synchronously on the SQLite connection inside the transaction. */
export type SqliteWork<T> = (sqlite: NodeSqliteDatabase) => T;

interface Pending {
  work: SqliteWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommit {
  /** Runs `work` in the next shared transaction; resolves with its result once committed. */
  run<T>(work: SqliteWork<T>): Promise<T>;
}

const instances = new WeakMap<Db, GroupCommit>();

/** The group commit of an SQLite database (one per Db, shared by every repository on it). */
export function groupCommit(db: Db): GroupCommit {
  let instance = instances.get(db);
  if (instance === undefined) {
    if (db.sqlite === undefined) throw new Error('group commit is for SQLite only');
    instance = createGroupCommit(db, db.sqlite);
    instances.set(db, instance);
  }
  return instance;
}

function createGroupCommit(db: Db, sqlite: NodeSqliteDatabase): GroupCommit {
  let queue: Pending[] = [];
  let scheduled = false;

  const exec = (statement: string): void => {
    sqlite.prepare(statement).run([]);
  };

  function rollback(): void {
    try {
      if (sqlite.raw.isTransaction) exec('ROLLBACK');
    } catch {
      // Nothing more to undo: the next BEGIN reports a connection that is unusable.
    }
  }

  /** Runs `batch` in one transaction and settles each of its writes. */
  function commit(batch: Pending[]): void {
    const results: unknown[] = [];
    let failure: { error: unknown } | undefined;
    try {
      exec('BEGIN IMMEDIATE');
      for (const item of batch) {
        try {
          results.push(item.work(sqlite));
        } catch (error) {
          // A write's own failure, when the transaction survived it: the batch is tried again.
          if (sqlite.raw.isTransaction) failure = { error };
          else throw error;
          break;
        }
      }
      if (failure === undefined) exec('COMMIT');
    } catch (error) {
      // The transaction failed as a whole (busy, I/O, disk full): so does every write in it.
      rollback();
      for (const item of batch) item.reject(error);
      return;
    }
    if (failure !== undefined) {
      rollback();
      if (batch.length === 1) batch[0]!.reject(failure.error);
      // Nothing of the batch was kept. Each write runs again in a transaction of its own, so
      // that it succeeds or fails on its own merits.
      else for (const item of batch) commit([item]);
      return;
    }
    for (const [index, item] of batch.entries()) item.resolve(results[index]);
  }

  async function flush(): Promise<void> {
    try {
      await db.kysely.connection().execute(async () => {
        // Taken once the connection is ours: writes queued while it was busy join this batch.
        const batch = queue;
        queue = [];
        scheduled = false;
        commit(batch);
      });
    } catch (error) {
      // The connection could not be had (the database is closing): nothing of the queue ran.
      const batch = queue;
      queue = [];
      scheduled = false;
      for (const item of batch) item.reject(error);
    }
  }

  return {
    run<T>(work: SqliteWork<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // After the I/O callbacks of this turn: every request read in it has queued its write.
          setImmediate(() => void flush());
        }
      });
    },
  };
}
