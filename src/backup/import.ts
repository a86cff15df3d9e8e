// `jotter import FILE`: loads an export (format.ts) into an empty database of either engine, in
// one transaction: either every row arrives, with each table's count matching the file's, or
// nothing does. Every line is checked before it is written: known table, tables in order, every
// column present with its kind, nothing more.
import type { Kysely } from 'kysely';
import type { Db, Engine } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { type TableCounts, requireCurrentSchema } from './export.ts';
import { BackupError, FORMAT, FORMAT_VERSION, readLines, type Header } from './format.ts';
import { countRows, insertRows } from './table-io.ts';
import { columnProblem, TABLES, type Row, type TableSpec } from './tables.ts';

const BATCH_SIZE = 200;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLine(text: string, lineNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupError(`line ${lineNumber}: not JSON`);
  }
  if (!isObject(value)) throw new BackupError(`line ${lineNumber}: not a JSON object`);
  return value;
}

function checkHeader(value: Record<string, unknown>, migrations: string[]): void {
  if (value.format !== FORMAT) throw new BackupError('line 1: not a jotter export');
  if (value.version !== FORMAT_VERSION) {
    throw new BackupError(
      `line 1: export format version ${String(value.version)} is not supported`,
    );
  }
  const exported = (value as Partial<Header>).migrations;
  if (!Array.isArray(exported) || exported.join() !== migrations.join()) {
    throw new BackupError(
      'the export was written by a jotter with another database schema; import it with the same version, or upgrade the source and export again',
    );
  }
}

function checkRow(table: TableSpec, value: unknown, lineNumber: number): Row {
  if (!isObject(value)) throw new BackupError(`line ${lineNumber}: row is not an object`);
  for (const column of Object.keys(value)) {
    if (!Object.hasOwn(table.columns, column)) {
      throw new BackupError(
        `line ${lineNumber}: ${table.name} has no column ${JSON.stringify(column)}`,
      );
    }
  }
  for (const [column, kind] of Object.entries(table.columns)) {
    const problem = columnProblem(kind, value[column]);
    if (problem) throw new BackupError(`line ${lineNumber}: ${table.name}.${column} ${problem}`);
  }
  return value as Row;
}

async function requireEmpty(trx: Kysely<Database>): Promise<void> {
  const filled: string[] = [];
  for (const table of TABLES) {
    const count = await countRows(trx, table);
    if (count > 0) filled.push(`${table.name} ${count}`);
  }
  if (filled.length > 0) {
    throw new BackupError(
      `the database is not empty (${filled.join(', ')}); import into a new database that no server has used (a server makes signing keys and secrets when it starts)`,
    );
  }
}

async function load(
  trx: Kysely<Database>,
  engine: Engine,
  lines: AsyncIterable<string>,
  migrations: string[],
) {
  const counts: TableCounts = {};
  let tableIndex = 0;
  let batch: Row[] = [];
  let lineNumber = 0;
  let end: unknown;
  const flush = async (): Promise<void> => {
    const table = TABLES[tableIndex]!;
    try {
      await insertRows(trx, engine, table, batch);
    } catch (error) {
      throw new BackupError(`line ${lineNumber}: ${table.name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    batch = [];
  };
  for await (const text of lines) {
    lineNumber++;
    if (end !== undefined) throw new BackupError(`line ${lineNumber}: text after the end line`);
    const line = parseLine(text, lineNumber);
    if (lineNumber === 1) {
      checkHeader(line, migrations);
      continue;
    }
    if ('end' in line) {
      end = line.end;
      continue;
    }
    const index = TABLES.findIndex((table) => table.name === line.table);
    if (index < 0)
      throw new BackupError(`line ${lineNumber}: unknown table ${JSON.stringify(line.table)}`);
    if (index < tableIndex) {
      throw new BackupError(
        `line ${lineNumber}: ${String(line.table)} rows must come before ${TABLES[tableIndex]!.name} rows`,
      );
    }
    if (index > tableIndex) {
      await flush();
      tableIndex = index;
    }
    batch.push(checkRow(TABLES[index]!, line.row, lineNumber));
    counts[TABLES[index]!.name] = (counts[TABLES[index]!.name] ?? 0) + 1;
    if (batch.length >= BATCH_SIZE) await flush();
  }
  if (lineNumber === 0) throw new BackupError('the file is empty');
  if (end === undefined)
    throw new BackupError('the file ends before its end line: it is incomplete');
  await flush();
  return verifyCounts(trx, end, counts);
}

async function verifyCounts(trx: Kysely<Database>, end: unknown, read: TableCounts) {
  if (!isObject(end)) throw new BackupError('the end line has no row counts');
  const counts: TableCounts = {};
  for (const table of TABLES) {
    const declared = end[table.name];
    const rows = read[table.name] ?? 0;
    const stored = await countRows(trx, table);
    if (declared !== rows || stored !== rows) {
      throw new BackupError(
        `${table.name}: the end line says ${JSON.stringify(declared)} rows, the file holds ${rows}, the database received ${stored}`,
      );
    }
    counts[table.name] = rows;
  }
  return counts;
}

/** Imports FILE into `db`, which must be migrated to this version's schema and hold no rows. */
export async function importDatabase(db: Db, file: string): Promise<TableCounts> {
  const migrations = await requireCurrentSchema(db, 'import');
  return db.kysely.transaction().execute(async (trx) => {
    await requireEmpty(trx);
    return load(trx, db.engine, readLines(file), migrations);
  });
}
