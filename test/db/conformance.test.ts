// Storage conformance: the same cases on both engines, so a query written once behaves the same
// on each. Feature work adds its repository cases here or in its own suite built the same way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';

for (const engine of await testEngines()) {
  describe(`storage conformance (${engine.name})`, () => {
    test('rows round-trip exactly: text, booleans, nulls', async (t) => {
      const { db } = await buildTestApp(t, engine);
      const now = new Date().toISOString();
      const user = {
        id: '0190b6c4-0000-7000-8000-000000000001',
        email: 'Ünïcode+tag@Example.com',
        email_lower: 'ünïcode+tag@example.com',
        password_hash: 'x',
        name: ' spaced 😀 e\u0301 ',
        role: 'user' as const,
        created_at: now,
        updated_at: now,
      };
      await db.kysely.insertInto('users').values(user).execute();
      const row = await db.kysely
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.name, user.name);
      assert.equal(row.email, user.email);
      assert.equal(row.disabled, false);
      await db.kysely
        .updateTable('users')
        .set({ disabled: true })
        .where('id', '=', user.id)
        .execute();
      const updated = await db.kysely
        .selectFrom('users')
        .select('disabled')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(updated.disabled, true);
    });

    test('emails are unique case-insensitively through email_lower', async (t) => {
      const { db } = await buildTestApp(t, engine);
      const now = new Date().toISOString();
      const base = {
        password_hash: 'x',
        name: '',
        role: 'user' as const,
        created_at: now,
        updated_at: now,
      };
      await db.kysely
        .insertInto('users')
        .values({ ...base, id: 'a', email: 'A@x.io', email_lower: 'a@x.io' })
        .execute();
      await assert.rejects(
        db.kysely
          .insertInto('users')
          .values({ ...base, id: 'b', email: 'a@X.io', email_lower: 'a@x.io' })
          .execute(),
      );
    });

    test('deleting a user cascades to the rows that carry its id', async (t) => {
      const { db } = await buildTestApp(t, engine);
      const now = new Date().toISOString();
      await db.kysely
        .insertInto('users')
        .values({
          id: 'u',
          email: 'u@x.io',
          email_lower: 'u@x.io',
          password_hash: 'x',
          name: '',
          role: 'user',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.kysely
        .insertInto('sessions')
        .values({
          id: 's',
          user_id: 'u',
          created_at: now,
          last_used_at: now,
          expires_at: now,
          user_agent: '',
          ip: '',
          revoked_at: null,
        })
        .execute();
      await db.kysely
        .insertInto('notes')
        .values({
          id: 'n',
          user_id: 'u',
          title: 't',
          body: '',
          tags: '[]',
          pinned: false,
          archived: false,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.kysely
        .insertInto('todos')
        .values({
          id: 'd',
          user_id: 'u',
          title: 't',
          done: false,
          due_date: null,
          completed_at: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.kysely.deleteFrom('users').where('id', '=', 'u').execute();
      for (const table of ['sessions', 'notes', 'todos'] as const) {
        const rows = await db.kysely.selectFrom(table).select('id').execute();
        assert.equal(rows.length, 0, table);
      }
    });
  });
}
