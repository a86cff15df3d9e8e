// What the notes repository keeps beside each note stays in step with it on both engines: the
// note_tags rows (tag set, archived, updated_at) and the full-text index; and deleting a user
// takes their notes, tags, index entries and to-dos with it, in the same statement.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompiledQuery } from 'kysely';
import type { Db } from '../../src/db/connect.ts';
import { parseSearch } from '../../src/db/full-text.ts';
import { noteRepo } from '../../src/notes/repo.ts';
import { todoRepo } from '../../src/todos/repo.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createNote, createTodo, expectProblem } from '../helpers/resources.ts';
import { insertUser } from '../helpers/seed-notes.ts';

async function tagRows(db: Db, noteId: string) {
  const rows = await db.kysely
    .selectFrom('note_tags')
    .select(['tag', 'user_id', 'archived', 'updated_at'])
    .where('note_id', '=', noteId)
    .orderBy('tag')
    .execute();
  // node:sqlite rows have no prototype; compare plain objects.
  return rows.map((row) => ({ ...row }));
}

async function count(db: Db, table: 'notes' | 'note_tags' | 'todos'): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function indexedNotes(db: Db): Promise<number> {
  if (db.engine === 'postgres') return count(db, 'notes');
  const result = await db.kysely.executeQuery<{ count: number }>(
    CompiledQuery.raw("SELECT count(*) AS count FROM notes_fts WHERE notes_fts MATCH 'secret'"),
  );
  return result.rows[0]!.count;
}

for (const engine of await testEngines()) {
  describe(`notes storage (${engine.name})`, () => {
    test('note_tags follow the tags, archived and updated_at of their note', async (t) => {
      const { db } = await buildTestApp(t, engine);
      const userId = await insertUser(db, 'owner');
      const notes = noteRepo(db);
      const note = await notes.create(userId, { title: 't', tags: ['b', 'a', 'b'] });
      assert.deepEqual(await tagRows(db, note.id), [
        { tag: 'a', user_id: userId, archived: false, updated_at: note.updated_at },
        { tag: 'b', user_id: userId, archived: false, updated_at: note.updated_at },
      ]);
      const archived = await notes.update(userId, note.id, { archived: true }, undefined);
      assert.ok(archived.ok);
      assert.deepEqual(
        (await tagRows(db, note.id)).map((row) => [row.tag, row.archived, row.updated_at]),
        [
          ['a', true, archived.value.updated_at],
          ['b', true, archived.value.updated_at],
        ],
      );
      const retagged = await notes.update(userId, note.id, { tags: ['c'] }, [2]);
      assert.ok(retagged.ok);
      assert.deepEqual(await tagRows(db, note.id), [
        { tag: 'c', user_id: userId, archived: true, updated_at: retagged.value.updated_at },
      ]);
      const failed = await notes.update(userId, note.id, { tags: ['d'] }, [2]);
      assert.deepEqual(failed, { ok: false, reason: 'version_conflict' });
      assert.equal((await tagRows(db, note.id))[0]?.tag, 'c');
      await notes.update(userId, note.id, { tags: [] }, undefined);
      assert.deepEqual(await tagRows(db, note.id), []);
      assert.deepEqual(await notes.remove(userId, note.id, [9]), {
        ok: false,
        reason: 'version_conflict',
      });
      assert.deepEqual(await notes.remove(userId, note.id, undefined), { ok: true, value: null });
      assert.equal(await count(db, 'note_tags'), 0);
    });

    test('the full-text index follows changes and deletions', async (t) => {
      const { db } = await buildTestApp(t, engine);
      const userId = await insertUser(db, 'owner');
      const notes = noteRepo(db);
      const find = async (query: string) =>
        (await notes.list(userId, { archived: false, search: parseSearch(query) }, 10)).notes.map(
          (note) => note.title,
        );
      const note = await notes.create(userId, { title: 'old title', body: 'first body' });
      assert.deepEqual(await find('old'), ['old title']);
      await notes.update(userId, note.id, { title: 'new title' }, undefined);
      assert.deepEqual(await find('old'), []);
      assert.deepEqual(await find('"new title" first'), ['new title']);
      await notes.update(userId, note.id, { body: 'second body' }, undefined);
      assert.deepEqual(await find('first'), []);
      assert.deepEqual(await find('title second'), ['new title']);
      await notes.update(userId, note.id, { pinned: true }, undefined);
      assert.deepEqual(await find('second'), ['new title']);
      await notes.remove(userId, note.id, undefined);
      assert.deepEqual(await find('second'), []);
    });

    test('deleting a user removes their notes, tags, index entries and to-dos, and only theirs', async (t) => {
      const { db } = await buildTestApp(t, engine);
      const gone = await insertUser(db, 'gone');
      const stays = await insertUser(db, 'stays');
      const notes = noteRepo(db);
      for (let index = 0; index < 3; index++) {
        await notes.create(gone, { title: `secret ${index}`, tags: ['x'] });
        await todoRepo(db).create(gone, { title: 'todo' });
      }
      const kept = await notes.create(stays, { title: 'kept', body: 'secret too', tags: ['x'] });
      await todoRepo(db).create(stays, { title: 'kept todo' });
      assert.equal(await indexedNotes(db), 4);
      await db.kysely.deleteFrom('users').where('id', '=', gone).execute();
      assert.equal(await count(db, 'notes'), 1);
      assert.equal(await count(db, 'note_tags'), 1);
      assert.equal(await count(db, 'todos'), 1);
      assert.equal(await indexedNotes(db), 1);
      // A note made afterwards (SQLite may reuse a row number) matches only its own words.
      const fresh = await notes.create(stays, { title: 'fresh', body: 'nothing more' });
      const found = await notes.list(stays, { archived: false, search: parseSearch('secret') }, 10);
      assert.deepEqual(
        found.notes.map((note) => note.id),
        [kept.id],
      );
      assert.notEqual(fresh.id, kept.id);
    });

    test('deleting an account through the API takes its notes and to-dos', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'mine', tags: ['t'] });
      await createTodo(app, alice.headers, { title: 'mine' });
      await createNote(app, bob.headers, { title: 'bob' });
      const deleted = await app.inject({
        method: 'DELETE',
        url: '/api/v1/users/me',
        headers: alice.headers,
        payload: { password: alice.password },
      });
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.equal(await count(db, 'notes'), 1);
      assert.equal(await count(db, 'note_tags'), 0);
      assert.equal(await count(db, 'todos'), 0);
      // The old token no longer works; the note is gone for anyone.
      const stale = await app.inject({ url: `/api/v1/notes/${note.id}`, headers: alice.headers });
      assert.equal(stale.statusCode, 401);
      expectProblem(
        await app.inject({ url: `/api/v1/notes/${note.id}`, headers: bob.headers }),
        404,
        'not_found',
      );
    });
  });
}
