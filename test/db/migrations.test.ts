import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase, testEngines } from '../helpers/databases.ts';

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
        ]);
        const count = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(instances[0]!.kysely);
        assert.equal(count.rows[0]?.n, 2);
      });
    }
  });
}
