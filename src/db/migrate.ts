// Runs the migration history with Kysely's migrator. On PostgreSQL the migrator holds an advisory
// lock while it runs, so instances starting together on one database apply each step once and
// the others wait, then find nothing left to do.
import { sql } from 'kysely';
import {
  DEFAULT_MIGRATION_TABLE as MIGRATION_TABLE,
  Migrator,
  type Migration,
  type MigrationResult,
} from 'kysely/migration';
import type { Db } from './connect.ts';
import * as accounts from './migrations/0001-accounts.ts';
import * as notesAndTodos from './migrations/0002-notes-todos.ts';
import * as searchIndex from './migrations/0003-search-index.ts';

const HISTORY = [
  ['0001-accounts', accounts],
  ['0002-notes-todos', notesAndTodos],
  ['0003-search-index', searchIndex],
] as const;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

async function createMigrator(db: Db): Promise<Migrator> {
  const migrations: Record<string, Migration> = {};
  for (const [name, step] of HISTORY) {
    migrations[name] = { up: (kysely) => step.up(kysely, db.engine) };
  }
  // The migrator's bookkeeping tables live in the schema the connection works in; naming it
  // keeps two schemas on one PostgreSQL server (tests, tenants) from seeing each other's.
  const schema =
    db.engine === 'postgres'
      ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db.kysely))
          .rows[0]?.schema
      : undefined;
  return new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableSchema: schema,
  });
}

/** Every migration this version knows, oldest first. */
export const MIGRATION_NAMES: readonly string[] = HISTORY.map(([name]) => name);

/**
 * Names of the migrations applied to the database, in name order (reads only). Names this version
 * does not know (a database migrated by a newer version) are included.
 */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const migrator = await createMigrator(db);
  const known = await migrator.getMigrations();
  if (known.every((info) => info.executedAt === undefined)) return [];
  const rows = await sql<{
    name: string;
  }>`SELECT name FROM ${sql.table(MIGRATION_TABLE)} ORDER BY name`.execute(db.kysely);
  return rows.rows.map((row) => row.name);
}

export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  const migrator = await createMigrator(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new MigrationError(
      `migration ${failed?.migrationName ?? '(setup)'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
  return results ?? [];
}
