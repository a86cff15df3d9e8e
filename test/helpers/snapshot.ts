// Everything the database holds for one user, for "nothing of theirs changed" assertions: their
// row in `users` and their rows in every table with a `user_id` column (found by introspection,
// so tables added later are covered), except the audit trail, which records attempts against
// them by design.
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.ts';

const NOT_USER_DATA = new Set(['events']);

export async function snapshotUserData(db: Db, userId: string): Promise<Record<string, unknown[]>> {
  const tables = await db.kysely.introspection.getTables();
  const snapshot: Record<string, unknown[]> = {};
  for (const table of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    if (NOT_USER_DATA.has(table.name) || table.name.startsWith('kysely_')) continue;
    const column = table.name === 'users' ? 'id' : 'user_id';
    if (!table.columns.some((candidate) => candidate.name === column)) continue;
    const { rows } = await sql<Record<string, unknown>>`
      SELECT * FROM ${sql.table(table.name)} WHERE ${sql.ref(column)} = ${userId}`.execute(
      db.kysely,
    );
    snapshot[table.name] = rows
      .map((row) => JSON.stringify(row))
      .sort()
      .map((row) => JSON.parse(row) as unknown);
  }
  return snapshot;
}
