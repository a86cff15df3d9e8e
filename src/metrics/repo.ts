// The queries behind gauges that are read at scrape time.
import type { Db } from '../db/connect.ts';

/** Sessions that can still be used: not revoked and not past their fixed expiry. */
export async function countLiveSessions(db: Db, now: Date): Promise<number> {
  const row = await db.kysely
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
