// `jotter export FILE`: every row of every table, from one consistent snapshot (a read
// transaction; REPEATABLE READ on PostgreSQL), into the format of format.ts. Each table's row
// count is checked against the snapshot before the file gets its final name, so a file that
// exists is complete.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Db } from '../db/connect.ts';
import { appliedMigrations, MIGRATION_NAMES } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import {
  BackupError,
  FORMAT,
  FORMAT_VERSION,
  openExportFile,
  refuseExisting,
  type Header,
} from './format.ts';
import { countRows, readPage } from './table-io.ts';
import { columnProblem, TABLES, type Row, type TableSpec } from './tables.ts';

const PAGE_SIZE = 500;

export type TableCounts = Record<string, number>;

/** Refuses a database whose schema is not exactly the one this version writes and reads. */
export async function requireCurrentSchema(db: Db, action: string): Promise<string[]> {
  const applied = await appliedMigrations(db);
  if (applied.join() !== MIGRATION_NAMES.join()) {
    const newer = applied.some((name) => !MIGRATION_NAMES.includes(name));
    throw new BackupError(
      newer
        ? `the database was migrated by a newer version of jotter; ${action} with that version`
        : `the database is not fully migrated (${applied.length} of ${MIGRATION_NAMES.length} migrations); run jotter migrate first`,
    );
  }
  return applied;
}

function checkRow(table: TableSpec, row: Row): void {
  for (const [column, kind] of Object.entries(table.columns)) {
    const problem = columnProblem(kind, row[column]);
    if (problem) throw new BackupError(`${table.name}.${column} ${problem} in the database`);
  }
}

async function* exportLines(
  trx: Kysely<Database>,
  header: Header,
  counts: TableCounts,
): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const table of TABLES) {
    let written = 0;
    let last: Row | undefined;
    for (;;) {
      const rows = await readPage(trx, table, last, PAGE_SIZE);
      for (const row of rows) {
        checkRow(table, row);
        yield `${JSON.stringify({ table: table.name, row })}\n`;
      }
      written += rows.length;
      last = rows.at(-1);
      if (rows.length < PAGE_SIZE) break;
    }
    const expected = await countRows(trx, table);
    if (written !== expected) {
      throw new BackupError(`${table.name}: wrote ${written} rows, the table holds ${expected}`);
    }
    counts[table.name] = written;
  }
  yield `${JSON.stringify({ end: counts })}\n`;
}

export async function exportDatabase(db: Db, file: string): Promise<TableCounts> {
  refuseExisting(file);
  const migrations = await requireCurrentSchema(db, 'export');
  const header: Header = {
    format: FORMAT,
    version: FORMAT_VERSION,
    created_at: new Date().toISOString(),
    engine: db.engine,
    migrations,
  };
  // Written under a temporary name and renamed once complete and verified.
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  const counts: TableCounts = {};
  try {
    // Read only: on SQLite that keeps the export from holding the write lock (a running server
    // goes on writing while the export reads its snapshot).
    const transaction =
      db.engine === 'postgres'
        ? db.kysely.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')
        : db.kysely.transaction().setAccessMode('read only');
    await transaction.execute(async (trx) => {
      const { output, compressor } = openExportFile(partial, file);
      const lines = Readable.from(exportLines(trx, header, counts));
      await (compressor ? pipeline(lines, compressor, output) : pipeline(lines, output));
    });
    refuseExisting(file);
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return counts;
}
