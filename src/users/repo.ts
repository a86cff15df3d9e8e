// Queries on users. Emails are stored as typed and compared through `email_lower`.
import type { Kysely } from 'kysely';
import type { Engine } from '../db/connect.ts';
import type { Database, NewUser, UserRow } from '../db/schema.ts';

export type Queryable = Kysely<Database>;

export function emailKey(email: string): string {
  return email.toLowerCase();
}

export function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email_lower', '=', emailKey(email))
    .executeTakeFirst();
}

export function findUserById(db: Queryable, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function insertUser(db: Queryable, user: NewUser): Promise<UserRow> {
  await db.insertInto('users').values(user).execute();
  return (await findUserById(db, user.id))!;
}

export async function updateUserProfile(
  db: Queryable,
  userId: string,
  changes: { name?: string; email?: string },
): Promise<UserRow | undefined> {
  const set: Partial<Pick<UserRow, 'name' | 'email' | 'email_lower' | 'updated_at'>> = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.email !== undefined) {
    set.email = changes.email;
    set.email_lower = emailKey(changes.email);
  }
  if (Object.keys(set).length > 0) {
    set.updated_at = new Date().toISOString();
    await db.updateTable('users').set(set).where('id', '=', userId).execute();
  }
  return findUserById(db, userId);
}

export async function updatePasswordHash(
  db: Queryable,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: new Date().toISOString() })
    .where('id', '=', userId)
    .execute();
}

/**
 * Locks the user's row until the transaction ends (PostgreSQL; SQLite runs one transaction at a
 * time), so a login racing an account change waits for it instead of slipping in between.
 */
export async function lockUser(db: Queryable, engine: Engine, userId: string): Promise<void> {
  if (engine === 'postgres')
    await db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

export async function deleteUser(db: Queryable, userId: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', userId).execute();
}

/** True when a unique-constraint violation (a taken email) caused `error`, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: unknown; errcode?: unknown; message?: unknown };
  return (
    candidate.code === '23505' ||
    candidate.errcode === 2067 ||
    (typeof candidate.message === 'string' &&
      candidate.message.includes('UNIQUE constraint failed'))
  );
}
