// The typed shape of every table, shared by both engines. Timestamps are RFC 3339 UTC strings
// (`Date#toISOString()`), which sort correctly as text on both engines and go out in answers
// without conversion. Ids are UUIDv7 strings made by the application. Every user-owned table
// carries `user_id`: it scopes every query and is the key the data can be distributed by.
import type {
  ColumnType,
  Generated,
  GeneratedAlways,
  Insertable,
  Selectable,
  Updateable,
} from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  /** `email` lower-cased: uniqueness and login compare on it; `email` keeps what was typed. */
  email_lower: string;
  password_hash: string;
  name: string;
  role: 'user' | 'admin';
  disabled: Generated<boolean>;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string;
  ip: string;
  revoked_at: string | null;
}

export interface RefreshTokensTable {
  id: string;
  /** SHA-256 of the token's secret part, base64url; the token itself is never stored. */
  secret_hash: string;
  session_id: string;
  user_id: string;
  created_at: string;
  /** When the token was exchanged; a second use after the grace period is reuse. */
  spent_at: string | null;
}

export interface RevokedSessionsTable {
  session_id: string;
  user_id: string;
  revoked_at: string;
  /** After this, no access token of the session can still be valid: the row may go. */
  expires_at: string;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  /** PKCS#8 PEM, or its AES-GCM ciphertext (`enc:v1:…`) when KEY_ENCRYPTION_SECRET is set. */
  private_key: string;
  created_at: string;
  /** Set when a newer key took over signing; published until its last tokens expire. */
  retired_at: string | null;
}

export interface NotesTable {
  // SQLite also has `seq`, the INTEGER PRIMARY KEY its full-text index is keyed by: the note's
  // order key, which moves with updated_at (migration 0003); no query names it outside
  // src/notes/search.ts, write-sql.ts and the migrations.
  id: string;
  user_id: string;
  title: string;
  body: string;
  /** JSON array of strings, in the order given; note_tags holds the same tags for filtering. */
  tags: string;
  pinned: boolean;
  archived: boolean;
  version: number;
  created_at: string;
  updated_at: string;
  /**
   * PostgreSQL only: tsvector literals (src/db/full-text.ts) of the title and the body, written
   * with every change of the text; never read back.
   */
  search_title: ColumnType<never, string | undefined, string>;
  search_body: ColumnType<never, string | undefined, string>;
}

export interface NoteTagsTable {
  note_id: string;
  tag: string;
  user_id: string;
  /** The note's `archived` and `updated_at`, kept equal to them, for index-ordered tag lists. */
  archived: boolean;
  updated_at: string;
}

export interface TodosTable {
  id: string;
  user_id: string;
  title: string;
  done: boolean;
  /** YYYY-MM-DD or null. */
  due_date: string | null;
  /** Generated: `due_date`, or a value after every date when there is none (nulls last). */
  due_order: GeneratedAlways<string>;
  completed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface EventsTable {
  id: string;
  /** Null for events about no known account (a failed login for an unknown email). */
  user_id: string | null;
  type: string;
  created_at: string;
  ip: string;
  user_agent: string;
  session_id: string | null;
  /** JSON object with event-specific facts. */
  detail: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  revoked_sessions: RevokedSessionsTable;
  server_secrets: ServerSecretsTable;
  signing_keys: SigningKeysTable;
  notes: NotesTable;
  note_tags: NoteTagsTable;
  todos: TodosTable;
  events: EventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NoteRow = Selectable<NotesTable>;
export type TodoRow = Selectable<TodosTable>;
export type EventRow = Selectable<EventsTable>;
