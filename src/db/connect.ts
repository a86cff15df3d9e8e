// Opens the database Jotter runs on: the embedded SQLite file in DATA_DIR by default, or the
// PostgreSQL server named by DATABASE_URL. Everything above this module sees one Kysely instance
// typed by `Database`; the few places where the engines differ ask `db.engine`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { CurrentSchemaPostgresDialect } from './postgres-introspector.ts';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Database } from './schema.ts';
import type { NodeSqliteDatabase } from './sqlite-driver.ts';
import { ImmediateSqliteDialect, openSqliteFile } from './sqlite-driver.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly engine: Engine;
  /** The PostgreSQL pool (for LISTEN/NOTIFY and pool metrics); undefined on SQLite. */
  readonly pool: pg.Pool | undefined;
  /** The SQLite handle (for backups and raw fast paths); undefined on PostgreSQL. */
  readonly sqlite: NodeSqliteDatabase | undefined;
  /** Answers whether the database responds, within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'jotter.db';

// PostgreSQL's bigint (int8) counts come back as strings by default; ours fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Db {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openSqlite(config.dataDir);
}

function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = openSqliteFile(join(dataDir, SQLITE_FILE_NAME));
  const kysely = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: sqlite }),
  });
  return {
    kysely,
    engine: 'sqlite',
    pool: undefined,
    sqlite,
    ping: async () => {
      try {
        sqlite.raw.prepare('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    close: () => kysely.destroy(),
  };
}

function openPostgres(url: string): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    idleTimeoutMillis: 30_000,
    // A database that does not answer must turn into a 503, not a request that hangs.
    connectionTimeoutMillis: 5_000,
    query_timeout: 30_000,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that
  // would crash the process. The pool discards the client and readiness reports the outage.
  pool.on('error', () => {});
  // pg-pool listens for errors only while a client is idle: a client checked out (between two
  // statements of a transaction, or just before its release) whose server goes away emits
  // 'error' with nobody listening, an uncaught exception that ends the process. Its current or
  // next query fails instead, and the pool discards it on release.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const kysely = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  return {
    kysely,
    engine: 'postgres',
    pool,
    sqlite: undefined,
    ping: async (timeoutMs = 2000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const query = sql`SELECT 1`.execute(kysely).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([query, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => kysely.destroy(),
  };
}
