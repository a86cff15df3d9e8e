// Adapts Node's built-in `node:sqlite` to the database interface Kysely's SqliteDialect expects
// (the better-sqlite3 shape), so the embedded engine needs no native addon.
//
// Two details make it more than a pass-through:
// - statements are prepared once per SQL text and reused (compiling SQL costs more than running
//   an indexed read);
// - SQLite has no boolean type, so booleans are bound as 0/1 and columns declared BOOLEAN are read
//   back as JS booleans, which keeps one schema type for both engines honest;
// - every connection gets `jotter_search_document(title, body)`, which the notes' full-text
//   triggers call so that SQLite indexes the words src/db/full-text.ts finds, as PostgreSQL does.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
  type TransactionSettings,
} from 'kysely';
import { searchDocument } from './full-text.ts';

const STATEMENT_CACHE_LIMIT = 500;

type Row = Record<string, unknown>;

function toSqliteValue(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as SQLInputValue;
}

function bindable(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(toSqliteValue);
}

class CachedStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;
  readonly #booleanColumns: string[];

  constructor(statement: StatementSync) {
    this.#statement = statement;
    const columns = statement.columns();
    this.reader = columns.length > 0;
    this.#booleanColumns = columns
      .filter((column) => column.type?.toUpperCase() === 'BOOLEAN')
      .map((column) => column.name);
  }

  #convert(row: Row): Row {
    for (const name of this.#booleanColumns) {
      const value = row[name];
      if (typeof value === 'number' || typeof value === 'bigint') row[name] = value !== 0;
    }
    return row;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const rows = this.#statement.all(...bindable(parameters)) as Row[];
    if (this.#booleanColumns.length > 0) for (const row of rows) this.#convert(row);
    return rows;
  }

  run(parameters: ReadonlyArray<unknown>): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  } {
    return this.#statement.run(...bindable(parameters));
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    for (const row of this.#statement.iterate(...bindable(parameters))) {
      yield this.#booleanColumns.length > 0 ? this.#convert(row) : row;
    }
  }
}

export class NodeSqliteDatabase implements SqliteDatabase {
  readonly raw: DatabaseSync;
  readonly #statements = new Map<string, CachedStatement>();

  constructor(raw: DatabaseSync) {
    this.raw = raw;
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = new CachedStatement(this.raw.prepare(sql));
      // Migrations and ad-hoc queries must not grow the cache without bound.
      if (this.#statements.size >= STATEMENT_CACHE_LIMIT) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs a read at once, outside Kysely, when no transaction is open on the connection; undefined
   * when one is (the caller then goes through Kysely, which waits for it). Kysely's SQLite driver
   * takes a lock for every query, which costs a few promise turns (~20 µs of a ~60 µs page read,
   * measured); SQLite itself runs a statement synchronously, so outside a transaction (which
   * another request may hold open across awaits) a read sees exactly what Kysely would show it.
   */
  readIfIdle<R>(sql: string, parameters: ReadonlyArray<unknown>): R[] | undefined {
    if (this.raw.isTransaction) return undefined;
    return this.prepare(sql).all(parameters) as R[];
  }

  close(): void {
    this.#statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

/**
 * Opens (creating if needed) a database file in WAL mode. The busy timeout lets a second process
 * (a backup, `jotter migrate`) wait for a lock instead of failing or corrupting anything.
 */
export function openSqliteFile(path: string): NodeSqliteDatabase {
  const raw = new DatabaseSync(path, { timeout: 5000 });
  raw.exec('PRAGMA journal_mode = WAL');
  // NORMAL in WAL mode is durable against a crashed or killed process; only a power loss can
  // take back the last commits.
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA foreign_keys = ON');
  registerFunctions(raw);
  return new NodeSqliteDatabase(raw);
}

function registerFunctions(raw: DatabaseSync): void {
  // Not `directOnly`: triggers must be able to call it.
  raw.function('jotter_search_document', { deterministic: true }, (title, body) =>
    searchDocument(typeof title === 'string' ? title : '', typeof body === 'string' ? body : ''),
  );
}

/**
 * Kysely's SQLite transactions, begun with BEGIN IMMEDIATE instead of a plain (deferred) BEGIN.
 * A deferred transaction that reads and then writes (a login checks the account, then inserts
 * its session) cannot wait for the write lock if another process committed since its read began:
 * SQLite answers SQLITE_BUSY at once, the busy timeout does not apply. With WORKERS > 1 that made
 * concurrent logins fail with 503. IMMEDIATE takes the write lock first, waiting for it under the
 * busy timeout like any write; within one process Kysely runs transactions one at a time anyway.
 * Transactions declared read-only begin deferred.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    // A read-only transaction (an export) must not hold the write lock: it stays deferred, and
    // WAL lets other processes write meanwhile while it reads its snapshot.
    const begin = settings?.accessMode === 'read only' ? 'begin' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(begin));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(config: { database: SqliteDatabase }) {
    super(config);
    this.#database = config.database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}
