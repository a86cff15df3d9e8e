// The database engines every suite runs on: SQLite always; PostgreSQL when reachable, and
// required (a failure, never a skip) when REQUIRE_POSTGRES=1, as in CI. Each test gets a database
// of its own: a temporary DATA_DIR, or a fresh schema on the PostgreSQL server, dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestEngine {
  name: 'sqlite' | 'postgres';
}

export interface TestDatabase {
  /** Variables that point a config at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const isPostgresRequired = process.env.REQUIRE_POSTGRES === '1';

let postgresReachable: Promise<boolean> | undefined;

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (isPostgresRequired) {
      throw new Error(
        `REQUIRE_POSTGRES=1 but PostgreSQL at ${POSTGRES_URL} is not reachable: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The engines to run on. Without PostgreSQL (and not required) the suite says so once. */
export async function testEngines(): Promise<TestEngine[]> {
  postgresReachable ??= probePostgres();
  if (await postgresReachable) return [{ name: 'sqlite' }, { name: 'postgres' }];
  console.warn(`# PostgreSQL not reachable at ${POSTGRES_URL}: running on SQLite only`);
  return [{ name: 'sqlite' }];
}

export function temporaryDirectory(prefix = 'jotter-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A database URL whose connections work in `schema` (created here). */
export function postgresSchemaUrl(schema: string): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export async function createTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  const dataDir = temporaryDirectory();
  if (engine.name === 'sqlite') {
    return { env: { DATA_DIR: dataDir.path }, drop: async () => dataDir.remove() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  return {
    env: { DATA_DIR: dataDir.path, DATABASE_URL: postgresSchemaUrl(schema) },
    drop: async () => {
      dataDir.remove();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
