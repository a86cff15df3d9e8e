// The queries of export and import, written once for both engines over any table of TABLES.
// Table and column names come from TABLES only (never from a file), and go through Kysely's
// identifier quoting all the same.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { fileColumns, type Row, type TableSpec } from './tables.ts';

function columnList(columns: string[]) {
  return sql.join(columns.map((column) => sql.ref(column)));
}

/** The next `limit` rows of `table` after `after` (the key of the last row read), in key order. */
export async function readPage(
  db: Kysely<Database>,
  table: TableSpec,
  after: Row | undefined,
  limit: number,
): Promise<Row[]> {
  const key = sql.join(table.key.map((column) => sql.ref(column)));
  const from = after
    ? sql`WHERE (${key}) > (${sql.join(table.key.map((column) => after[column]))})`
    : sql``;
  const result =
    await sql<Row>`SELECT ${columnList(fileColumns(table))} FROM ${sql.table(table.name)} ${from}
    ORDER BY ${key} LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** Inserts rows of the file, with the columns `derive` computes for this engine. */
export async function insertRows(
  db: Kysely<Database>,
  engine: Engine,
  table: TableSpec,
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const complete = table.derive
    ? rows.map((row) => ({ ...row, ...table.derive!(row, engine) }))
    : rows;
  const columns = Object.keys(complete[0]!);
  const values = sql.join(
    complete.map((row) => sql`(${sql.join(columns.map((column) => row[column]))})`),
  );
  await sql`INSERT INTO ${sql.table(table.name)} (${columnList(columns)}) VALUES ${values}`.execute(
    db,
  );
}

export async function countRows(db: Kysely<Database>, table: TableSpec): Promise<number> {
  const result = await sql<{
    count: number | string;
  }>`SELECT count(*) AS count FROM ${sql.table(table.name)}`.execute(db);
  return Number(result.rows[0]?.count ?? 0);
}
