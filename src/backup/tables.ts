// What `jotter export` and `jotter import` move: every table of the schema, in an order where each
// row's references come before it, with each column's kind. `satisfies Record<keyof …Table, …>`
// makes the type check fail when a column is added to schema.ts and not here; a test fails when a
// table is added to the database and not here.
import type {
  Database,
  EventsTable,
  NoteTagsTable,
  NotesTable,
  RefreshTokensTable,
  RevokedSessionsTable,
  ServerSecretsTable,
  SessionsTable,
  SigningKeysTable,
  TodosTable,
  UsersTable,
} from '../db/schema.ts';
import type { Engine } from '../db/connect.ts';

/**
 * How a column travels. `derived` columns are not in the file: the database generates them, or
 * the table's `derive` computes them on import (search vectors are made from the text).
 */
export type ColumnKind = 'text' | 'nullable text' | 'boolean' | 'integer' | 'derived';

export type Row = Record<string, string | number | boolean | null>;

export interface TableSpec {
  name: keyof Database;
  /** Primary-key columns: the export pages through each table in their order. */
  key: readonly string[];
  columns: Readonly<Record<string, ColumnKind>>;
  /** Columns to write on import besides the file's, computed from a row of the file. */
  derive?: (row: Row, engine: Engine) => Row;
}

/** The columns a file carries for `table`. */
export function fileColumns(table: TableSpec): string[] {
  return Object.entries(table.columns)
    .filter(([, kind]) => kind !== 'derived')
    .map(([column]) => column);
}

const users = {
  id: 'text',
  email: 'text',
  email_lower: 'text',
  password_hash: 'text',
  name: 'text',
  role: 'text',
  disabled: 'boolean',
  created_at: 'text',
  updated_at: 'text',
} as const satisfies Record<keyof UsersTable, ColumnKind>;

const sessions = {
  id: 'text',
  user_id: 'text',
  created_at: 'text',
  last_used_at: 'text',
  expires_at: 'text',
  user_agent: 'text',
  ip: 'text',
  revoked_at: 'nullable text',
} as const satisfies Record<keyof SessionsTable, ColumnKind>;

const refreshTokens = {
  id: 'text',
  secret_hash: 'text',
  session_id: 'text',
  user_id: 'text',
  created_at: 'text',
  spent_at: 'nullable text',
} as const satisfies Record<keyof RefreshTokensTable, ColumnKind>;

const revokedSessions = {
  session_id: 'text',
  user_id: 'text',
  revoked_at: 'text',
  expires_at: 'text',
} as const satisfies Record<keyof RevokedSessionsTable, ColumnKind>;

const serverSecrets = {
  name: 'text',
  value: 'text',
  created_at: 'text',
} as const satisfies Record<keyof ServerSecretsTable, ColumnKind>;

const signingKeys = {
  kid: 'text',
  alg: 'text',
  public_jwk: 'text',
  private_key: 'text',
  created_at: 'text',
  retired_at: 'nullable text',
} as const satisfies Record<keyof SigningKeysTable, ColumnKind>;

const notes = {
  id: 'text',
  user_id: 'text',
  title: 'text',
  body: 'text',
  tags: 'text',
  pinned: 'boolean',
  archived: 'boolean',
  version: 'integer',
  created_at: 'text',
  updated_at: 'text',
} as const satisfies Record<keyof NotesTable, ColumnKind>;

const noteTags = {
  user_id: 'text',
  note_id: 'text',
  tag: 'text',
} as const satisfies Record<keyof NoteTagsTable, ColumnKind>;

const todos = {
  id: 'text',
  user_id: 'text',
  title: 'text',
  done: 'boolean',
  due_date: 'nullable text',
  completed_at: 'nullable text',
  version: 'integer',
  created_at: 'text',
  updated_at: 'text',
} as const satisfies Record<keyof TodosTable, ColumnKind>;

const events = {
  id: 'text',
  user_id: 'nullable text',
  type: 'text',
  created_at: 'text',
  ip: 'text',
  user_agent: 'text',
  session_id: 'nullable text',
  detail: 'text',
} as const satisfies Record<keyof EventsTable, ColumnKind>;

/** Referenced tables first: users before sessions before refresh tokens, notes before tags. */
export const TABLES: readonly TableSpec[] = [
  { name: 'users', key: ['id'], columns: users },
  { name: 'sessions', key: ['id'], columns: sessions },
  { name: 'refresh_tokens', key: ['id'], columns: refreshTokens },
  { name: 'revoked_sessions', key: ['session_id'], columns: revokedSessions },
  { name: 'server_secrets', key: ['name'], columns: serverSecrets },
  { name: 'signing_keys', key: ['kid'], columns: signingKeys },
  { name: 'notes', key: ['id'], columns: notes },
  { name: 'note_tags', key: ['note_id', 'tag'], columns: noteTags },
  { name: 'todos', key: ['id'], columns: todos },
  { name: 'events', key: ['id'], columns: events },
];

/** Why `value` cannot go into a column of this kind, or undefined when it can. */
export function columnProblem(kind: ColumnKind, value: unknown): string | undefined {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'nullable text':
      return value === null || typeof value === 'string' ? undefined : 'must be a string or null';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'derived':
      return value === undefined ? undefined : 'is computed, not imported';
  }
}
