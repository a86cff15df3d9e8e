// A list page on SQLite is read at once, outside Kysely, when no transaction is open on the
// connection (src/db/sqlite-driver.ts, readIfIdle). While another request holds a transaction
// open across its awaits, the page must wait for it and never show what it has not committed.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createNote } from '../helpers/resources.ts';

const sqlite = (await testEngines()).find((engine) => engine.name === 'sqlite')!;

async function titles(
  app: Awaited<ReturnType<typeof buildTestApp>>['app'],
  headers: Record<string, string>,
): Promise<string[]> {
  const response = await app.inject({ method: 'GET', url: '/api/v1/notes', headers });
  assert.equal(response.statusCode, 200);
  return (JSON.parse(response.body) as { items: { title: string }[] }).items.map((n) => n.title);
}

describe('note pages and open transactions (sqlite)', () => {
  for (const outcome of ['commit', 'rollback'] as const) {
    test(`a page read during an open transaction waits for its ${outcome}`, async (t) => {
      const { app, db } = await buildTestApp(t, sqlite);
      const alice = await signUp(app);
      await createNote(app, alice.headers, { title: 'committed' });
      assert.equal(db.sqlite!.readIfIdle('SELECT 1 AS one', [])?.length, 1);

      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      const transaction = db.kysely
        .transaction()
        .execute(async (trx) => {
          await sql`UPDATE notes SET title = 'uncommitted' WHERE user_id = ${alice.user.id}`.execute(
            trx,
          );
          assert.equal(db.sqlite!.readIfIdle('SELECT 1 AS one', []), undefined);
          await held;
          if (outcome === 'rollback') throw new Error('rolled back');
        })
        .catch((error: unknown) => {
          if (outcome === 'commit') throw error;
        });
      await nextTurn();

      let page: string[] | undefined;
      const reading = titles(app, alice.headers).then((found) => (page = found));
      for (let i = 0; i < 5; i++) await nextTurn();
      assert.equal(page, undefined, 'the page waited for the open transaction');
      finish();
      await transaction;
      await reading;
      assert.deepEqual(page, [outcome === 'commit' ? 'uncommitted' : 'committed']);
    });
  }
});
