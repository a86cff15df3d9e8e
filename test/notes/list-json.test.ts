// The notes list without a search is written by the database as finished JSON
// (src/notes/page-json.ts). Its answer must be byte for byte what the response schema would
// have written: the same members in the same order and JSON.stringify's escapes, for any text a
// note may hold, on every filter and on cursor pages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Note } from '../../src/notes/schemas.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createNote } from '../helpers/resources.ts';

// Every control character a note may hold (NUL is refused), quotes, backslashes, the line
// separators JSON.stringify leaves alone, DEL, accents, CJK and characters outside the BMP.
const CONTROL = Array.from({ length: 31 }, (_, index) => String.fromCharCode(index + 1)).join('');
const AWKWARD = `${CONTROL} "quoted" \\back\\slash\\ \u2028\u2029\u007f café 東京 😀 </script>`;

for (const engine of await testEngines()) {
  describe(`note list JSON (${engine.name})`, () => {
    test('list answers are exactly what the schema serializer writes, for any text', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const plain = await createNote(app, alice.headers, { title: 'plain' });
      const awkward = await createNote(app, alice.headers, {
        title: AWKWARD.slice(0, 200),
        body: `${AWKWARD}\n${AWKWARD}`,
        tags: [AWKWARD.slice(0, 50), 'ok', '"'],
        pinned: true,
      });
      const archived = await createNote(app, alice.headers, { title: 'old', archived: true });

      // Each note as GET /notes/:id serializes it through the response schema.
      const single = new Map<string, string>();
      for (const note of [plain, awkward, archived]) {
        const response = await app.inject({
          method: 'GET',
          url: `/api/v1/notes/${note.id}`,
          headers: alice.headers,
        });
        assert.equal(response.statusCode, 200);
        single.set(note.id, response.body);
      }

      const urls: [string, Note[]][] = [
        ['/api/v1/notes', [awkward, plain]],
        ['/api/v1/notes?pinned=true', [awkward]],
        ['/api/v1/notes?archived=true', [archived]],
        [`/api/v1/notes?tag=${encodeURIComponent('"')}`, [awkward]],
        ['/api/v1/notes?tag=nothing', []],
      ];
      for (const [url, expected] of urls) {
        const response = await app.inject({ method: 'GET', url, headers: alice.headers });
        assert.equal(response.statusCode, 200, url);
        assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
        const items = expected.map((note) => single.get(note.id)).join(',');
        assert.equal(response.body, `{"items":[${items}],"next_cursor":null}`, url);
      }

      // Cursor pages: one note per page, the cursor as a JSON string.
      const first = await app.inject({
        method: 'GET',
        url: '/api/v1/notes?limit=1',
        headers: alice.headers,
      });
      const firstPage = JSON.parse(first.body) as { next_cursor: string };
      assert.equal(
        first.body,
        `{"items":[${single.get(awkward.id)}],"next_cursor":${JSON.stringify(firstPage.next_cursor)}}`,
      );
      const second = await app.inject({
        method: 'GET',
        url: `/api/v1/notes?limit=1&cursor=${firstPage.next_cursor}`,
        headers: alice.headers,
      });
      assert.equal(second.body, `{"items":[${single.get(plain.id)}],"next_cursor":null}`);
    });
  });
}
