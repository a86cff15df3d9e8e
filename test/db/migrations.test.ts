import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { openDatabase } from '../../src/db/connect.ts';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/db/migrate.ts';
import * as accounts from '../../src/db/migrations/0001-accounts.ts';
import * as notesAndTodos from '../../src/db/migrations/0002-notes-todos.ts';
import { noteRepo } from '../../src/notes/repo.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase, testEngines } from '../helpers/databases.ts';
import { allMatches, searchPages } from '../helpers/search-oracle.ts';
import { insertUser, seedNotes } from '../helpers/seed-notes.ts';

const TABLES = [
  'events',
  'note_tags',
  'notes',
  'refresh_tokens',
  'revoked_sessions',
  'server_secrets',
  'sessions',
  'signing_keys',
  'todos',
  'users',
];

for (const engine of await testEngines()) {
  describe(`migrations (${engine.name})`, () => {
    test('a fresh database gets every table; a second run applies nothing', async (t) => {
      const database = await createTestDatabase(engine);
      t.after(() => database.drop());
      const db = openDatabase(testConfig(database.env));
      t.after(() => db.close());
      const first = await migrateToLatest(db);
      assert.ok(first.length > 0);
      assert.ok(first.every((result) => result.status === 'Success'));
      const tables = (await db.kysely.introspection.getTables()).map((table) => table.name);
      for (const name of TABLES)
        assert.ok(tables.includes(name), `${name} in ${tables.join(', ')}`);
      assert.deepEqual(await migrateToLatest(db), []);
    });

    test('every user-owned table carries user_id', async (t) => {
      const database = await createTestDatabase(engine);
      t.after(() => database.drop());
      const db = openDatabase(testConfig(database.env));
      t.after(() => db.close());
      await migrateToLatest(db);
      const tables = await db.kysely.introspection.getTables();
      for (const name of ['sessions', 'refresh_tokens', 'notes', 'note_tags', 'todos', 'events']) {
        const table = tables.find((candidate) => candidate.name === name);
        assert.ok(
          table?.columns.some((column) => column.name === 'user_id'),
          name,
        );
      }
    });

    if (engine.name === 'postgres') {
      test('instances migrating one database at once all come up', async (t) => {
        const database = await createTestDatabase(engine);
        t.after(() => database.drop());
        const instances = Array.from({ length: 5 }, () => openDatabase(testConfig(database.env)));
        t.after(() => Promise.all(instances.map((db) => db.close())));
        const results = await Promise.all(instances.map((db) => migrateToLatest(db)));
        const applied = results.flat().filter((result) => result.status === 'Success');
        // Each step ran exactly once across all instances.
        assert.deepEqual(applied.map((result) => result.migrationName).sort(), [
          '0001-accounts',
          '0002-notes-todos',
          '0003-search-index',
        ]);
        assert.equal(MIGRATION_NAMES.length, 3);
        const count = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(instances[0]!.kysely);
        assert.equal(count.rows[0]?.n, 3);
      });
    }
  });
}

for (const engine of await testEngines()) {
  describe(`migration 0003-search-index (${engine.name})`, () => {
    test('a database made before it finds the same notes in the same order after it, and keeps up', async (t) => {
      const database = await createTestDatabase(engine);
      t.after(() => database.drop());
      const db = openDatabase(testConfig(database.env));
      t.after(() => db.close());
      // The history up to 0002, as a server of the previous version ran it.
      const before = new Migrator({
        db: db.kysely,
        provider: {
          getMigrations: () =>
            Promise.resolve({
              '0001-accounts': { up: (kysely) => accounts.up(kysely, engine.name) },
              '0002-notes-todos': { up: (kysely) => notesAndTodos.up(kysely, engine.name) },
            }),
        },
      });
      const { error } = await before.migrateToLatest();
      assert.equal(error, undefined);
      const alice = await insertUser(db, 'alice');
      const bob = await insertUser(db, 'bob');
      await seedNotes(db, alice, 400);
      await seedNotes(db, bob, 50, 7);
      // Notes of one millisecond, changed in the reverse of the list's order.
      const ids = (
        await db.kysely.selectFrom('notes').select('id').where('user_id', '=', alice).execute()
      )
        .map((row) => row.id)
        .slice(0, 40)
        .sort()
        .reverse();
      for (const id of ids)
        await db.kysely
          .updateTable('notes')
          .set({ updated_at: '2020-01-01T03:00:00.000Z' })
          .where('id', '=', id)
          .execute();
      const notes = noteRepo(db);
      const cases = [
        { archived: false, query: 'w1' },
        { archived: false, query: 'w2 w3' },
        { archived: false, query: 'w40' },
        { archived: true, query: 'w1' },
        { archived: false, pinned: true, query: 'w1' },
      ];
      const expected = [];
      for (const test of cases) expected.push(await allMatches(notes, alice, test));
      assert.ok(expected[0]!.length > 100);

      const applied = await migrateToLatest(db);
      assert.deepEqual(
        applied.map((result) => [result.migrationName, result.status]),
        [['0003-search-index', 'Success']],
      );
      for (const [index, test] of cases.entries()) {
        assert.deepEqual(await allMatches(notes, alice, test), expected[index], test.query);
        for (const limit of [3, 20])
          assert.deepEqual(
            await searchPages(notes, alice, test, limit),
            expected[index],
            `${test.query} by ${limit}`,
          );
      }
      // New and changed notes are found, in front; a deleted one no longer is.
      const created = await notes.create(alice, { title: 'w1 fresh' });
      const oldest = expected[0]!.at(-1)!.split(' ')[0]!;
      await notes.update(alice, oldest, { title: 'w1 moved' }, undefined);
      const gone = expected[0]![5]!.split(' ')[0]!;
      await notes.remove(alice, gone, undefined);
      const now = await searchPages(notes, alice, cases[0]!, 7);
      assert.deepEqual(now, await allMatches(notes, alice, cases[0]!));
      assert.deepEqual(
        now.slice(0, 2).map((entry) => entry.split(' ')[0]),
        [oldest, created.id],
      );
      assert.ok(!now.some((entry) => entry.startsWith(gone)));
      if (engine.name === 'postgres') {
        const options = await sql<{
          reloptions: string[] | null;
        }>`SELECT reloptions FROM pg_class WHERE oid = 'notes_search_idx'::regclass`.execute(
          db.kysely,
        );
        assert.deepEqual(options.rows[0]?.reloptions, ['fastupdate=off']);
      }
    });
  });
}
