// Queries on sessions and refresh tokens. Every function takes the Kysely instance or the
// transaction it runs in; none sees HTTP.
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Engine } from '../db/connect.ts';
import type { Database, SessionRow } from '../db/schema.ts';

type Queryable = Kysely<Database>;

export interface NewSession {
  id: string;
  userId: string;
  userAgent: string;
  ip: string;
  expiresAt: string;
}

/** The row of a session that starts at `now`. */
function sessionRow(session: NewSession, now: string): SessionRow {
  return {
    id: session.id,
    user_id: session.userId,
    created_at: now,
    last_used_at: now,
    expires_at: session.expiresAt,
    user_agent: session.userAgent,
    ip: session.ip,
    revoked_at: null,
  };
}

export async function insertSession(db: Queryable, session: NewSession): Promise<SessionRow> {
  const row = sessionRow(session, new Date().toISOString());
  await db.insertInto('sessions').values(row).execute();
  return row;
}

/** The session if it exists and has not expired. */
export function findLiveSession(db: Queryable, sessionId: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst();
}

export function findOwnedLiveSession(
  db: Queryable,
  userId: string,
  sessionId: string,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', sessionId)
    .where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst();
}

export function listLiveSessions(db: Queryable, userId: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', new Date().toISOString())
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function sessionIdsOfUser(db: Queryable, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
  return rows.map((row) => row.id);
}

export async function deleteSessions(db: Queryable, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  await db.deleteFrom('sessions').where('id', 'in', sessionIds).execute();
}

export async function touchSessions(
  db: Queryable,
  sessionIds: string[],
  at: string,
): Promise<void> {
  if (sessionIds.length === 0) return;
  await db
    .updateTable('sessions')
    .set({ last_used_at: at })
    .where('id', 'in', sessionIds)
    .execute();
}

export async function deleteExpiredSessions(db: Queryable): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', new Date().toISOString()).execute();
}

export async function insertRefreshToken(
  db: Queryable,
  token: { id: string; secretHash: string; sessionId: string; userId: string },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      id: token.id,
      secret_hash: token.secretHash,
      session_id: token.sessionId,
      user_id: token.userId,
      created_at: new Date().toISOString(),
      spent_at: null,
    })
    .execute();
}

export function findRefreshToken(db: Queryable, id: string) {
  return db
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
    .select([
      'refresh_tokens.id',
      'refresh_tokens.secret_hash',
      'refresh_tokens.spent_at',
      'refresh_tokens.session_id',
      'refresh_tokens.user_id',
      'sessions.expires_at',
    ])
    .where('refresh_tokens.id', '=', id)
    .executeTakeFirst();
}

/** Marks the token spent if nobody spent it before; true when this call spent it. */
export async function spendRefreshToken(db: Queryable, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ spent_at: at })
    .where('id', '=', id)
    .where('spent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The user's credentials as they are now, read inside a transaction that is about to start a
 * session. On PostgreSQL the row is locked (FOR SHARE) until that transaction ends, so a password
 * change or an account deletion either finishes before (and the check sees it) or waits until
 * after (and revokes the new session with the others). SQLite runs one transaction at a time.
 */
export function lockUserCredentials(db: Queryable, engine: Engine, userId: string) {
  const query = db
    .selectFrom('users')
    .select(['password_hash', 'disabled'])
    .where('id', '=', userId);
  return (engine === 'postgres' ? query.forShare() : query).executeTakeFirst();
}

// A login's session in one statement on PostgreSQL: the account's row is read FOR SHARE (as
// lockUserCredentials does inside a transaction), the session and its first refresh token are
// inserted only if the password hash the login verified is still the account's and the account
// is enabled. One statement is one transaction: one round trip instead of five (BEGIN, the lock,
// two INSERTs, COMMIT), which on a server sharing its core with PostgreSQL was most of what a
// login cost besides the hash.
const START_LOGIN_SESSION = `WITH u AS (
  SELECT password_hash, disabled FROM users WHERE id = $1 FOR SHARE
), s AS (
  INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip, revoked_at)
  SELECT $2, $1, $3, $3, $4, $5, $6, NULL FROM u WHERE u.password_hash = $7 AND NOT u.disabled
  RETURNING id
), r AS (
  INSERT INTO refresh_tokens (id, secret_hash, session_id, user_id, created_at, spent_at)
  SELECT $8, $9, s.id, $1, $3, NULL FROM s
)
SELECT u.password_hash, u.disabled FROM u`;

/**
 * Starts a login's session and refresh token (PostgreSQL) if the account still has the password
 * hash the login verified and is enabled. Answers the account's credentials as the statement
 * read them (undefined: the account is gone) and the session, which exists only if they passed;
 * the caller judges them as the transaction of `startSession` does.
 */
export async function startLoginSessionPostgres(
  pool: Pool,
  session: NewSession,
  token: { id: string; secretHash: string },
  verifiedPasswordHash: string,
): Promise<{
  account: { password_hash: string; disabled: boolean } | undefined;
  session: SessionRow;
}> {
  const now = new Date().toISOString();
  const { rows } = await pool.query<{ password_hash: string; disabled: boolean }>({
    name: 'jotter_start_login_session',
    text: START_LOGIN_SESSION,
    values: [
      session.userId,
      session.id,
      now,
      session.expiresAt,
      session.userAgent,
      session.ip,
      verifiedPasswordHash,
      token.id,
      token.secretHash,
    ],
  });
  return { account: rows[0], session: sessionRow(session, now) };
}
