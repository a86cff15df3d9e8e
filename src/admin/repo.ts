// Queries of the admin area: every account, searched and paged; counting administrators.
import { sql, type Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema.ts';

/** `%text%` for LIKE, with the pattern characters of `text` taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Up to `limit` accounts after the position `after` ([created_at, id] of the last one shown),
 * newest first. `q` matches a part of the email (any case) or of the name (as typed, or in any
 * case for ASCII letters, which is what both engines' lower() agree on).
 */
export function listUsers(
  db: Kysely<Database>,
  q: string | undefined,
  after: readonly [string, string] | undefined,
  limit: number,
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (q !== undefined && q !== '') {
    const exact = containsPattern(q);
    const lower = containsPattern(q.toLowerCase());
    query = query.where(
      (eb) =>
        sql<boolean>`(${eb.ref('email_lower')} LIKE ${lower} ESCAPE '\\' OR ${eb.ref('name')} LIKE ${exact} ESCAPE '\\' OR lower(${eb.ref('name')}) LIKE ${lower} ESCAPE '\\')`,
    );
  }
  if (after !== undefined) {
    const [createdAt, id] = after;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
      ]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Ids of the enabled administrators. With `lock` (PostgreSQL) their rows stay locked until the
 * transaction ends, taken in id order: two admins demoting each other at once then run one after
 * the other (the second sees the first's change), never both past the check, never deadlocked.
 */
export async function activeAdminIds(trx: Kysely<Database>, lock: boolean): Promise<string[]> {
  let query = trx
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', false)
    .orderBy('id');
  if (lock) query = query.forUpdate();
  return (await query.execute()).map((row) => row.id);
}

export async function updateAccount(
  trx: Kysely<Database>,
  userId: string,
  changes: { disabled?: boolean; role?: 'user' | 'admin' },
): Promise<void> {
  await trx
    .updateTable('users')
    .set({ ...changes, updated_at: new Date().toISOString() })
    .where('id', '=', userId)
    .execute();
}
