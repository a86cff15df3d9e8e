// `jotter backup FILE`: a consistent copy of the embedded database while the server runs, made by
// SQLite's `VACUUM INTO` (it reads one snapshot; writers carry on meanwhile) on a read-only
// connection, then checked with `PRAGMA integrity_check` before it gets its final name. The copy
// is a complete database file: to restore, stop the server and put it in place of DATA_DIR's
// jotter.db (removing jotter.db-wal and jotter.db-shm).
//
// On PostgreSQL this is the server's business: pg_dump, or `jotter export` for a file that any
// engine can import.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Config } from '../config.ts';
import { SQLITE_FILE_NAME } from '../db/connect.ts';
import { BackupError, refuseExisting } from './format.ts';
import { TABLES } from './tables.ts';
import type { TableCounts } from './export.ts';

function countTables(database: DatabaseSync): TableCounts {
  const counts: TableCounts = {};
  for (const table of TABLES) {
    const row = database.prepare(`SELECT count(*) AS count FROM "${table.name}"`).get() as {
      count: number;
    };
    counts[table.name] = row.count;
  }
  return counts;
}

export function backupSqlite(config: Pick<Config, 'databaseUrl' | 'dataDir'>, file: string) {
  if (config.databaseUrl) {
    throw new BackupError(
      'backup copies the embedded database; on PostgreSQL use pg_dump, or jotter export FILE for a file any engine can import',
    );
  }
  const source = join(config.dataDir, SQLITE_FILE_NAME);
  if (!existsSync(source)) throw new BackupError(`there is no database at ${source}`);
  refuseExisting(file);

  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  // An empty file made first, readable by its owner only: VACUUM INTO fills it (the copy holds
  // password hashes and signing keys).
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    const live = new DatabaseSync(source, { readOnly: true, timeout: 5000 });
    try {
      live.prepare('VACUUM INTO ?').run(partial);
    } finally {
      live.close();
    }
    const copy = new DatabaseSync(partial, { readOnly: true });
    let counts: TableCounts;
    try {
      const check = copy.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
      if (check.integrity_check !== 'ok') {
        throw new BackupError(`the copy failed its integrity check: ${check.integrity_check}`);
      }
      counts = countTables(copy);
    } finally {
      copy.close();
    }
    refuseExisting(file);
    renameSync(partial, file);
    return counts;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
