// The queries of export and import, written once for both engines over any table of TABLES.
// Table and column names come from TABLES only (never from a file), and go through Kysely's
// identifier quoting all the same.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Row, TableSpec } from './tables.ts';

function columnList(table: TableSpec) {
  return sql.join(Object.keys(table.columns).map((column) => sql.ref(column)));
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
  const result = await sql<Row>`SELECT ${columnList(table)} FROM ${sql.table(table.name)} ${from}
    ORDER BY ${key} LIMIT ${limit}`.execute(db);
  return result.rows;
}

export async function insertRows(db: Kysely<Database>, table: TableSpec, rows: Row[]) {
  if (rows.length === 0) return;
  const columns = Object.keys(table.columns);
  const values = sql.join(rows.map((row) => sql`(${sql.join(columns.map((c) => row[c]))})`));
  await sql`INSERT INTO ${sql.table(table.name)} (${columnList(table)}) VALUES ${values}`.execute(
    db,
  );
}

export async function countRows(db: Kysely<Database>, table: TableSpec): Promise<number> {
  const result = await sql<{
    count: number | string;
  }>`SELECT count(*) AS count FROM ${sql.table(table.name)}`.execute(db);
  return Number(result.rows[0]?.count ?? 0);
}
