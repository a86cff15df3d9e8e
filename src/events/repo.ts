// Queries on the security event log. Ids are UUIDv7 (time-ordered), so `id` descending is newest
// first with a unique tie-breaker, served by the (user_id, id) index for one account's events.
import type { Kysely } from 'kysely';
import type { Database, EventRow } from '../db/schema.ts';

export interface EventFilter {
  /** One account's events; undefined for every event (admins). */
  userId?: string;
  type?: string;
}

/** Up to `limit` events older than the event `before` (an id), newest first. */
export function listEvents(
  db: Kysely<Database>,
  filter: EventFilter,
  before: string | undefined,
  limit: number,
): Promise<EventRow[]> {
  let query = db.selectFrom('events').selectAll();
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (before !== undefined) query = query.where('id', '<', before);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Deletes events recorded before `cutoff` (an RFC 3339 time), at most `batch` rows per statement
 * so a large purge never holds a long lock; returns how many went.
 */
export async function deleteEventsBefore(
  db: Kysely<Database>,
  cutoff: string,
  batch: number,
): Promise<number> {
  const result = await db
    .deleteFrom('events')
    .where('id', 'in', (eb) =>
      eb.selectFrom('events').select('id').where('created_at', '<', cutoff).limit(batch),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
