// Full-text search of notes (`q`): the same words, prefixes and phrases match on both engines,
// any characters are text, results keep the list order and its filters, pages walk through
// matches far apart (past the search window) without repeats, and only the caller's notes match.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Note } from '../../src/notes/schemas.ts';
import { SEARCH_WINDOW } from '../../src/notes/order.ts';
import { noteRepo } from '../../src/notes/repo.ts';
import { allMatches, searchPages } from '../helpers/search-oracle.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createNote, getPage, walkList, type Headers } from '../helpers/resources.ts';
import type { App } from '../../src/app.ts';

async function search(app: App, headers: Headers, query: string): Promise<string[]> {
  const page = await getPage<Note>(
    app,
    headers,
    `/api/v1/notes?limit=100&q=${encodeURIComponent(query)}`,
  );
  return page.items.map((note) => note.title);
}

for (const engine of await testEngines()) {
  describe(`note search (${engine.name})`, () => {
    test('words, prefixes and phrases', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const titles = [
        ['Café meeting', 'Budget review with the team'],
        ['Groceries', 'milk, eggs, crème fraîche'],
        ['Trip to 東京', 'Visit the tower; e-mail the hotel'],
        ['Meetings archive', "team budget; don't forget"],
        ['Plain', 'nothing to see'],
      ];
      for (const [title, body] of titles) await createNote(app, alice.headers, { title, body });
      const expectations: [string, string[]][] = [
        ['cafe', ['Café meeting']],
        ['CAFÉ', ['Café meeting']],
        ['meeting', ['Café meeting']],
        ['meet*', ['Meetings archive', 'Café meeting']],
        ['budget team', ['Meetings archive', 'Café meeting']],
        ['budget review', ['Café meeting']],
        ['"team budget"', ['Meetings archive']],
        ['"budget review"', ['Café meeting']],
        ['"review budget"', []],
        ['"with the te*"', ['Café meeting']],
        ['creme fraiche', ['Groceries']],
        ['東京', ['Trip to 東京']],
        ['京', ['Trip to 東京']],
        ['e-mail', ['Trip to 東京']],
        ['"e mail"', ['Trip to 東京']],
        ["don't", ['Meetings archive']],
        ['tower hotel visit', ['Trip to 東京']],
        ['tower missing', []],
        ['towe', []],
      ];
      for (const [query, expected] of expectations)
        assert.deepEqual(await search(app, alice.headers, query), expected, query);
    });

    test('any characters are text, never query syntax', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      await createNote(app, alice.headers, { title: 'Alpha OR beta', body: 'NOT gamma' });
      await createNote(app, alice.headers, { title: 'beta', body: 'delta' });
      const strings = [
        'alpha OR delta',
        'beta NOT gamma',
        'title:alpha',
        '"unclosed',
        '(alpha',
        'alpha & !beta',
        "alpha' OR '1'='1",
        'beta <-> gamma',
        'NEAR(alpha beta)',
        '^alpha',
        '*',
        '-beta',
        'a:*',
        '\\',
        '%',
        '\u{1F600}',
        '"" "" ""',
      ];
      for (const query of strings) {
        const response = await app.inject({
          url: `/api/v1/notes?q=${encodeURIComponent(query)}`,
          headers: alice.headers,
        });
        assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
      }
      assert.deepEqual(await search(app, alice.headers, 'alpha OR delta'), []);
      assert.deepEqual(await search(app, alice.headers, 'beta NOT gamma'), ['Alpha OR beta']);
      assert.deepEqual(await search(app, alice.headers, 'title:alpha'), []);
      // No words at all: no search, the whole list.
      assert.deepEqual(await search(app, alice.headers, '* ""'), ['beta', 'Alpha OR beta']);
    });

    test('search keeps the list order and filters and follows changes', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const a = await createNote(app, alice.headers, { title: 'apple one', tags: ['fruit'] });
      const b = await createNote(app, alice.headers, { title: 'apple two', pinned: true });
      const c = await createNote(app, alice.headers, {
        title: 'apple three',
        archived: true,
        tags: ['fruit'],
      });
      assert.deepEqual(await search(app, alice.headers, 'apple'), ['apple two', 'apple one']);
      const filtered = async (query: string) =>
        (await getPage<Note>(app, alice.headers, `/api/v1/notes?q=apple&${query}`)).items.map(
          (note) => note.id,
        );
      assert.deepEqual(await filtered('tag=fruit'), [a.id]);
      assert.deepEqual(await filtered('archived=true'), [c.id]);
      assert.deepEqual(await filtered('tag=fruit&archived=true'), [c.id]);
      assert.deepEqual(await filtered('pinned=true'), [b.id]);
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/notes/${a.id}`,
        headers: alice.headers,
        payload: { title: 'pear', body: 'was an apple once' },
      });
      assert.deepEqual(await search(app, alice.headers, 'apple'), ['pear', 'apple two']);
      assert.deepEqual(await search(app, alice.headers, 'one'), []);
      assert.deepEqual(await search(app, alice.headers, 'once'), ['pear']);
      assert.deepEqual(await search(app, alice.headers, 'pear'), ['pear']);
      await app.inject({ method: 'DELETE', url: `/api/v1/notes/${b.id}`, headers: alice.headers });
      assert.deepEqual(await search(app, alice.headers, 'apple'), ['pear']);
    });

    test('pages of matches far apart, beyond the search window, each once; never another user', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const notes = noteRepo(db);
      const total = SEARCH_WINDOW + 150;
      const needles: string[] = [];
      const tagged: string[] = [];
      for (let index = 0; index < total; index++) {
        // Two needles among the newest SEARCH_WINDOW notes, the rest among the oldest: the first
        // page needs the full-text index beyond the window.
        const isNeedle = index === total - 2 || index === 300 || index < 5;
        const note = await notes.create(alice.user.id, {
          title: `hay ${index}`,
          body: isNeedle ? 'a needle here' : 'just hay',
          tags: index % 2 === 0 ? ['even'] : [],
        });
        if (isNeedle) needles.push(note.id);
        if (isNeedle && index % 2 === 0) tagged.push(note.id);
        if (index % 100 === 0)
          await notes.create(bob.user.id, { title: 'bob', body: 'needle of bob', tags: ['even'] });
      }
      needles.reverse();
      tagged.reverse();
      const found = await walkList<Note>(app, alice.headers, '/api/v1/notes', {
        query: 'q=needle',
        limit: 4,
      });
      assert.deepEqual(
        found.map((note) => note.id),
        needles,
      );
      const foundTagged = await walkList<Note>(app, alice.headers, '/api/v1/notes', {
        query: 'q=needle&tag=even',
        limit: 3,
      });
      assert.deepEqual(
        foundTagged.map((note) => note.id),
        tagged,
      );
      const hay = await walkList<Note>(app, alice.headers, '/api/v1/notes', {
        query: 'q=hay',
        limit: 100,
      });
      assert.equal(hay.length, total);
      assert.equal(new Set(hay.map((note) => note.id)).size, total);
      const bobs = await walkList<Note>(app, bob.headers, '/api/v1/notes', {
        query: 'q=needle',
        limit: 2,
      });
      assert.ok(bobs.every((note) => note.title === 'bob'));
      assert.equal(bobs.length, Math.ceil(total / 100));
    });

    test('pages in list order through changes and notes changed in one millisecond, at any page size', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const bob = await signUp(app);
      const notes = noteRepo(db);
      const created: Note[] = [];
      for (let index = 0; index < 120; index++) {
        created.push(
          await notes.create(alice.user.id, {
            title: `item ${index}`,
            body: `${index % 3 === 0 ? 'rare' : 'plain'} words`,
            pinned: index % 5 === 0,
            archived: index % 11 === 0,
          }),
        );
        if (index % 10 === 0)
          await notes.create(bob.user.id, { title: 'item of bob', body: 'rare plain words' });
      }
      // Changes move notes to the front of the list, text or not.
      for (const index of [3, 50, 7, 99, 0, 44])
        await notes.update(alice.user.id, created[index]!.id, { body: 'rare now' }, undefined);
      for (const index of [10, 20, 33])
        await notes.update(alice.user.id, created[index]!.id, { pinned: true }, undefined);
      await notes.update(alice.user.id, created[66]!.id, { archived: true }, undefined);
      // Notes changed in the same millisecond, newest and oldest: the list orders them by id.
      // One at a time, newest id first, so that the order they were changed in (which SQLite's
      // order keys follow) is the reverse of the list's.
      const sameInstant = async (at: string, indexes: number[]) => {
        const ids = indexes
          .map((index) => created[index]!.id)
          .sort()
          .reverse();
        for (const id of ids)
          await db.kysely
            .updateTable('notes')
            .set({ updated_at: at })
            .where('id', '=', id)
            .execute();
      };
      await sameInstant('2099-05-05T05:05:05.555Z', [5, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
      await sameInstant('2020-06-01T00:00:00.000Z', [1, 2, 4, 8, 16, 32, 64, 100]);
      for (const archived of [false, true])
        for (const pinned of [undefined, true, false])
          for (const query of ['rare', 'plain', 'item', 'words', 'rare now', 'nothing']) {
            const filters = { archived, pinned, query };
            const expected = await allMatches(notes, alice.user.id, filters);
            for (const limit of [1, 4, 7, 100])
              assert.deepEqual(
                await searchPages(notes, alice.user.id, filters, limit),
                expected,
                `${JSON.stringify(filters)} by ${limit}`,
              );
          }
      assert.ok(
        (await allMatches(notes, alice.user.id, { archived: false, query: 'rare' })).length > 30,
      );
    });
  });
}
