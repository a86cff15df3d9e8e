// Optimistic concurrency on notes: ETag is the version, If-Match takes strong tags or `*`, a stale
// or unreadable one is 412 and changes nothing, and two writers with the same If-Match cannot
// both win.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Note } from '../../src/notes/schemas.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createNote, expectProblem } from '../helpers/resources.ts';

for (const engine of await testEngines()) {
  describe(`note versions (${engine.name})`, () => {
    test('If-Match: matching tags, lists and * succeed; stale, weak and garbage are 412', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'v1' });
      const url = `/api/v1/notes/${note.id}`;
      async function patch(ifMatch: string, title: string) {
        return app.inject({
          method: 'PATCH',
          url,
          headers: { ...alice.headers, 'if-match': ifMatch },
          payload: { title },
        });
      }
      const first = await patch('"1"', 'v2');
      assert.equal(first.statusCode, 200);
      assert.equal(first.headers.etag, '"2"');
      const list = await patch('"7", "2"', 'v3');
      assert.equal(list.statusCode, 200);
      assert.equal(list.headers.etag, '"3"');
      const any = await patch('*', 'v4');
      assert.equal(any.statusCode, 200);
      assert.equal(any.json<Note>().version, 4);

      for (const stale of [
        '"3"',
        'W/"4"',
        '"4" ; x',
        '4',
        '"04"',
        '"abc"',
        '',
        '"4',
        ', ',
        '*, "4"',
        '"99999999999999999999"',
      ]) {
        const refused = await patch(stale, 'lost');
        assert.equal(refused.statusCode, 412, `If-Match: ${stale}`);
        expectProblem(refused, 412, 'version_conflict');
      }
      const current = await app.inject({ url, headers: alice.headers });
      assert.equal(current.json<Note>().title, 'v4');
      assert.equal(current.json<Note>().version, 4);
      assert.equal(current.headers.etag, '"4"');

      // {} with a stale tag is still a failed precondition; with the current one it is a read.
      expectProblem(
        await app.inject({
          method: 'PATCH',
          url,
          headers: { ...alice.headers, 'if-match': '"1"' },
          payload: {},
        }),
        412,
        'version_conflict',
      );
      const same = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...alice.headers, 'if-match': '"4"' },
        payload: {},
      });
      assert.equal(same.statusCode, 200);
      assert.equal(same.json<Note>().version, 4);
    });

    test('DELETE honours If-Match; * on a missing note is 404', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'a' });
      const url = `/api/v1/notes/${note.id}`;
      for (const ifMatch of ['"2"', 'W/"1"', 'garbage']) {
        const refused = await app.inject({
          method: 'DELETE',
          url,
          headers: { ...alice.headers, 'if-match': ifMatch },
        });
        expectProblem(refused, 412, 'version_conflict');
      }
      assert.equal((await app.inject({ url, headers: alice.headers })).statusCode, 200);
      const removed = await app.inject({
        method: 'DELETE',
        url,
        headers: { ...alice.headers, 'if-match': '"1"' },
      });
      assert.equal(removed.statusCode, 204);
      const again = await app.inject({
        method: 'DELETE',
        url,
        headers: { ...alice.headers, 'if-match': '*' },
      });
      expectProblem(again, 404, 'not_found');
    });

    test('concurrent changes with the same If-Match: exactly one wins, nothing is lost', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'start', tags: ['t0'] });
      const url = `/api/v1/notes/${note.id}`;
      for (let round = 1; round <= 3; round++) {
        const writers = Array.from({ length: 8 }, (_, index) =>
          app.inject({
            method: 'PATCH',
            url,
            headers: { ...alice.headers, 'if-match': `"${round}"` },
            payload: { title: `round ${round} writer ${index}`, tags: [`w${index}`] },
          }),
        );
        const answers = await Promise.all(writers);
        const winners = answers.filter((answer) => answer.statusCode === 200);
        assert.equal(winners.length, 1, answers.map((answer) => answer.statusCode).join(','));
        for (const loser of answers.filter((answer) => answer.statusCode !== 200))
          expectProblem(loser, 412, 'version_conflict');
        const won = winners[0]!.json<Note>();
        assert.equal(won.version, round + 1);
        const stored = await app.inject({ url, headers: alice.headers });
        assert.deepEqual(stored.json(), won);
        // The winner's tags are the ones the tag filter sees.
        const tag = won.tags[0]!;
        const tagged = await app.inject({
          url: `/api/v1/notes?tag=${tag}`,
          headers: alice.headers,
        });
        assert.deepEqual(
          tagged.json<{ items: Note[] }>().items.map((item) => item.id),
          [note.id],
        );
      }
    });

    test('concurrent changes without If-Match all apply, one version each', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const note = await createNote(app, alice.headers, { title: 'start' });
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          app.inject({
            method: 'PATCH',
            url: `/api/v1/notes/${note.id}`,
            headers: alice.headers,
            payload: { body: `writer ${index}` },
          }),
        ),
      );
      assert.deepEqual(
        answers.map((answer) => answer.json<Note>().version).sort((a, b) => a - b),
        [2, 3, 4, 5, 6, 7],
      );
    });
  });
}
