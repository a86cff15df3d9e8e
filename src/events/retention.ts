// Retention of the security event log: events older than EVENT_RETENTION_DAYS are deleted once
// shortly after start and then every hour. Every instance does it; the deletes are idempotent.
// A purge is bounded per run (it carries on at the next run), so it never monopolises the database.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect.ts';
import { deleteEventsBefore } from './repo.ts';

export const PURGE_INTERVAL_MS = 60 * 60_000;
const BATCH = 5_000;
const MAX_BATCHES_PER_RUN = 100;
const DAY_MS = 86_400_000;

/** Deletes events older than `retentionDays`; returns how many went. */
export async function purgeOldEvents(db: Db, retentionDays: number, now = new Date()) {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  let deleted = 0;
  for (let run = 0; run < MAX_BATCHES_PER_RUN; run++) {
    const count = await deleteEventsBefore(db.kysely, cutoff, BATCH);
    deleted += count;
    if (count < BATCH) break;
  }
  return deleted;
}

/** Starts the periodic purge; the returned function stops it. */
export function startEventRetention(
  db: Db,
  retentionDays: number,
  log: FastifyBaseLogger,
): () => void {
  let running: Promise<void> | undefined;
  const run = (): void => {
    if (running) return;
    running = purgeOldEvents(db, retentionDays)
      .then((deleted) => {
        if (deleted > 0) log.info({ deleted, retentionDays }, 'purged old security events');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'could not purge old security events'))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(run, 1000);
  const timer = setInterval(run, PURGE_INTERVAL_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
