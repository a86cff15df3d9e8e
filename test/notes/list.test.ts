// Listing notes: newest change first, keyset pages that neither skip nor repeat while notes are
// created and changed under the walk, filters, and cursors bound to their list, user and filters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Note } from '../../src/notes/schemas.ts';
import type { App } from '../../src/app.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import {
  createNote,
  expectProblem,
  getPage,
  walkList,
  type Headers,
} from '../helpers/resources.ts';

function ids(notes: Note[]): string[] {
  return notes.map((note) => note.id);
}

function isNewestFirst(notes: Note[]): boolean {
  return notes.every((note, index) => {
    const previous = notes[index - 1];
    if (previous === undefined) return true;
    return (
      previous.updated_at > note.updated_at ||
      (previous.updated_at === note.updated_at && previous.id > note.id)
    );
  });
}

async function seed(app: App, headers: Headers, count: number, fields = {}): Promise<Note[]> {
  const notes: Note[] = [];
  for (let index = 0; index < count; index++)
    notes.push(await createNote(app, headers, { title: `note ${index}`, ...fields }));
  return notes;
}

for (const engine of await testEngines()) {
  describe(`note lists (${engine.name})`, () => {
    test('pages of a few hundred notes: no duplicates, nothing skipped, while notes are created', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const before = await seed(app, alice.headers, 300);
      await seed(app, bob.headers, 5);
      const createdDuring: Note[] = [];
      const seen = await walkList<Note>(app, alice.headers, '/api/v1/notes', {
        limit: 17,
        between: async (page) => {
          // Several writers at once, between every page.
          const made = await Promise.all(
            [0, 1, 2].map((writer) =>
              createNote(app, alice.headers, { title: `during ${page}.${writer}` }),
            ),
          );
          createdDuring.push(...made);
        },
      });
      assert.equal(new Set(ids(seen)).size, seen.length, 'no note twice');
      assert.ok(isNewestFirst(seen));
      const seenIds = new Set(ids(seen));
      for (const note of before) assert.ok(seenIds.has(note.id), `missing ${note.title}`);
      // Notes made during the walk are newer than its cursor: they belong to a new first page.
      for (const note of createdDuring) assert.ok(!seenIds.has(note.id));
      const fresh = await walkList<Note>(app, alice.headers, '/api/v1/notes', { limit: 100 });
      assert.equal(fresh.length, before.length + createdDuring.length);
    });

    test('a changed note moves to the front; the walk still sees every unchanged note once', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const notes = await seed(app, alice.headers, 60);
      const changed = new Set<string>();
      const seen = await walkList<Note>(app, alice.headers, '/api/v1/notes', {
        limit: 7,
        between: async (page) => {
          // Change one note already seen and one not yet seen.
          for (const note of [notes[59 - page]!, notes[page]!]) {
            changed.add(note.id);
            const answer = await app.inject({
              method: 'PATCH',
              url: `/api/v1/notes/${note.id}`,
              headers: alice.headers,
              payload: { body: `changed on page ${page}` },
            });
            assert.equal(answer.statusCode, 200);
          }
        },
      });
      assert.equal(new Set(ids(seen)).size, seen.length);
      const seenIds = new Set(ids(seen));
      for (const note of notes)
        if (!changed.has(note.id)) assert.ok(seenIds.has(note.id), `missing ${note.title}`);
      const now = await getPage<Note>(app, alice.headers, '/api/v1/notes?limit=1');
      assert.equal(now.items[0]?.body.startsWith('changed on page'), true);
    });

    test('archived (default false), pinned and tag filters; tags match whole tags', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const plain = await createNote(app, alice.headers, { title: 'plain', tags: ['work'] });
      const pinned = await createNote(app, alice.headers, {
        title: 'pinned',
        pinned: true,
        tags: ['work', 'home'],
      });
      const archived = await createNote(app, alice.headers, {
        title: 'archived',
        archived: true,
        tags: ['work'],
      });
      const other = await createNote(app, alice.headers, {
        title: 'other',
        tags: ['workshop', 'Work'],
      });
      async function list(query: string): Promise<string[]> {
        return ids((await getPage<Note>(app, alice.headers, `/api/v1/notes?${query}`)).items);
      }
      assert.deepEqual(await list(''), [other.id, pinned.id, plain.id]);
      assert.deepEqual(await list('archived=false'), [other.id, pinned.id, plain.id]);
      assert.deepEqual(await list('archived=true'), [archived.id]);
      assert.deepEqual(await list('pinned=true'), [pinned.id]);
      assert.deepEqual(await list('pinned=false'), [other.id, plain.id]);
      assert.deepEqual(await list('tag=work'), [pinned.id, plain.id]);
      assert.deepEqual(await list('tag=work&archived=true'), [archived.id]);
      assert.deepEqual(await list('tag=work&pinned=true'), [pinned.id]);
      assert.deepEqual(await list('tag=Work'), [other.id]);
      assert.deepEqual(await list('tag=wor'), []);
      assert.deepEqual(await list('tag=home&pinned=false'), []);

      // Tag filters follow changes: archiving, retagging, deleting.
      const patch = (id: string, payload: object) =>
        app.inject({
          method: 'PATCH',
          url: `/api/v1/notes/${id}`,
          headers: alice.headers,
          payload,
        });
      await patch(plain.id, { archived: true });
      assert.deepEqual(await list('tag=work'), [pinned.id]);
      assert.deepEqual(await list('tag=work&archived=true'), [plain.id, archived.id]);
      await patch(pinned.id, { tags: ['home'] });
      assert.deepEqual(await list('tag=work'), []);
      assert.deepEqual(await list('tag=home'), [pinned.id]);
      await app.inject({
        method: 'DELETE',
        url: `/api/v1/notes/${pinned.id}`,
        headers: alice.headers,
      });
      assert.deepEqual(await list('tag=home'), []);
    });

    test('tag pages walk in order, and a tag walk sees each note once', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const tagged = await seed(app, alice.headers, 45, { tags: ['x'] });
      await seed(app, alice.headers, 10, { tags: ['y'] });
      const seen = await walkList<Note>(app, alice.headers, '/api/v1/notes', {
        query: 'tag=x',
        limit: 10,
      });
      assert.deepEqual(new Set(ids(seen)), new Set(ids(tagged)));
      assert.equal(seen.length, tagged.length);
      assert.ok(isNewestFirst(seen));
    });

    test('limit and query validation', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      await seed(app, alice.headers, 3);
      const one = await getPage<Note>(app, alice.headers, '/api/v1/notes?limit=1&unknown=x');
      assert.equal(one.items.length, 1);
      assert.equal(typeof one.next_cursor, 'string');
      const all = await getPage<Note>(app, alice.headers, '/api/v1/notes?limit=3');
      assert.equal(all.items.length, 3);
      assert.equal(all.next_cursor, null);
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=05',
        'limit=1e1',
        'limit=abc',
        'limit=1&limit=2',
        'limit[]=1',
        'archived=yes',
        'pinned=1',
        'tag=',
        `tag=${'x'.repeat(51)}`,
        'tag=a%00b',
        'q=a%00b',
        `q=${'x'.repeat(501)}`,
        'q=a&q=b',
        'cursor=',
      ]) {
        const response = await app.inject({
          url: `/api/v1/notes?${query}`,
          headers: alice.headers,
        });
        expectProblem(response, 400, 'validation_failed');
      }
    });

    test('a cursor works only for its list, its user and its filters', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      await seed(app, alice.headers, 5, { tags: ['t'] });
      await seed(app, bob.headers, 5, { tags: ['t'] });
      const first = await getPage<Note>(app, alice.headers, '/api/v1/notes?limit=2&tag=t');
      const cursor = first.next_cursor!;
      const again = await getPage<Note>(
        app,
        alice.headers,
        `/api/v1/notes?limit=3&tag=t&cursor=${encodeURIComponent(cursor)}`,
      );
      assert.equal(again.items.length, 3);
      assert.ok(!ids(again.items).some((id) => ids(first.items).includes(id)));

      const [payload, tag] = cursor.split('.');
      const forgedPosition = Buffer.from(
        JSON.stringify(['9999-12-31T00:00:00.000Z', 'ffffffff-ffff-7fff-bfff-ffffffffffff']),
      ).toString('base64url');
      const refusals: [Headers, string][] = [
        [bob.headers, `tag=t&cursor=${cursor}`],
        [alice.headers, `cursor=${cursor}`],
        [alice.headers, `tag=u&cursor=${cursor}`],
        [alice.headers, `tag=t&archived=true&cursor=${cursor}`],
        [alice.headers, `tag=t&pinned=false&cursor=${cursor}`],
        [alice.headers, `tag=t&q=x&cursor=${cursor}`],
        [alice.headers, `tag=t&cursor=${forgedPosition}.${tag}`],
        [alice.headers, `tag=t&cursor=${payload}.${'A'.repeat(22)}`],
        [alice.headers, `tag=t&cursor=${payload}`],
        [alice.headers, `tag=t&cursor=${cursor}.x`],
        [alice.headers, 'tag=t&cursor=not-a-cursor'],
        [alice.headers, `tag=t&cursor=${'%FF'.repeat(30)}`],
      ];
      for (const [headers, query] of refusals) {
        const response = await app.inject({ url: `/api/v1/notes?${query}`, headers });
        const problem = expectProblem(response, 400, 'validation_failed');
        assert.deepEqual(problem.errors?.[0]?.field, '/cursor', query);
      }
      // A notes cursor is no to-dos cursor.
      const todos = await app.inject({
        url: `/api/v1/todos?cursor=${cursor}`,
        headers: alice.headers,
      });
      expectProblem(todos, 400, 'validation_failed');
    });
  });
}
