import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../src/db/connect.ts';
import {
  PURGE_INTERVAL_MS,
  purgeOldEvents,
  startEventRetention,
} from '../../src/events/retention.ts';
import { buildTestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';

const DAY = 86_400_000;

async function addEvent(db: Db, ageDays: number): Promise<string> {
  const id = uuidv7();
  await db.kysely
    .insertInto('events')
    .values({
      id,
      user_id: null,
      type: 'login_failed',
      created_at: new Date(Date.now() - ageDays * DAY).toISOString(),
      ip: '203.0.113.9',
      user_agent: '',
      session_id: null,
      detail: '{}',
    })
    .execute();
  return id;
}

async function eventIds(db: Db): Promise<string[]> {
  const rows = await db.kysely.selectFrom('events').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** Lets pending I/O (the purge's queries) finish; bounded, and independent of the clock. */
async function settle(db: Db, until: (ids: string[]) => boolean): Promise<string[]> {
  let ids: string[] = [];
  for (let round = 0; round < 200; round++) {
    ids = await eventIds(db);
    if (until(ids)) return ids;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return ids;
}

for (const engine of await testEngines()) {
  describe(`security event retention (${engine.name})`, () => {
    test('deletes events older than the retention period, and only those', async (t) => {
      const { db } = await buildTestApp(t, engine);
      await addEvent(db, 400);
      await addEvent(db, 91);
      const young = [await addEvent(db, 89), await addEvent(db, 0)];
      assert.equal(await purgeOldEvents(db, 90), 2);
      assert.deepEqual(await eventIds(db), young);
      assert.equal(await purgeOldEvents(db, 90), 0);
      assert.equal(await purgeOldEvents(db, 1), 1);
      assert.deepEqual(await eventIds(db), [young[1]]);
    });

    test('runs shortly after start and then every hour, until stopped', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
      const stop = startEventRetention(db, 30, app.log);
      t.after(stop);
      const kept = await addEvent(db, 1);
      await addEvent(db, 31);
      t.mock.timers.tick(1000);
      assert.deepEqual(await settle(db, (ids) => ids.length === 1), [kept]);

      await addEvent(db, 45);
      t.mock.timers.tick(PURGE_INTERVAL_MS);
      assert.deepEqual(await settle(db, (ids) => ids.length === 1), [kept]);

      stop();
      await addEvent(db, 45);
      t.mock.timers.tick(PURGE_INTERVAL_MS);
      assert.equal((await settle(db, () => false)).length, 2);
    });
  });
}
