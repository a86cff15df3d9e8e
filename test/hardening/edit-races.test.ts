// Races on notes and to-dos: many conditional edits of one version at once, unconditional edits
// at once, and a conditional delete against conditional edits. Exactly one conditional writer
// wins and the stored item is entirely the winner's (its tags included, which live in their own
// rows); unconditional writers each get their own version and the last version is what is
// stored: no write lost, none half-applied.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { App } from '../../src/app.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { report, scaled } from '../helpers/hardening.ts';
import { assertProblem } from '../helpers/problems.ts';
import { createNote, createTodo } from '../helpers/resources.ts';

interface Versioned {
  id: string;
  version: number;
  title: string;
  tags?: string[];
  done?: boolean;
  due_date?: string | null;
}

const rounds = scaled(3, 10);
const WRITERS = 10;

function patch(
  app: App,
  headers: Record<string, string>,
  url: string,
  body: unknown,
  ifMatch?: string,
) {
  return app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    payload: body as Record<string, unknown>,
  });
}

for (const engine of await testEngines()) {
  describe(`edit races (${engine.name})`, () => {
    test('conditional edits of one version: one winner, stored whole', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      for (let round = 0; round < rounds; round++) {
        const note = await createNote(app, user.headers, { title: 'start', tags: ['start'] });
        const todo = await createTodo(app, user.headers, { title: 'start' });
        for (const [kind, item] of [
          ['notes', note],
          ['todos', todo],
        ] as const) {
          const body = (i: number) =>
            kind === 'notes'
              ? { title: `writer ${i}`, tags: [`w${i}`, `w${i}-b`], pinned: i % 2 === 0 }
              : {
                  title: `writer ${i}`,
                  done: i % 2 === 0,
                  due_date: `2030-01-${String(i + 1).padStart(2, '0')}`,
                };
          const answers = await Promise.all(
            Array.from({ length: WRITERS }, (_, i) =>
              patch(app, user.headers, `/api/v1/${kind}/${item.id}`, body(i), '"1"'),
            ),
          );
          const winners = answers.filter((answer) => answer.statusCode === 200);
          assert.equal(winners.length, 1, `${kind}: ${answers.map((a) => a.statusCode).join()}`);
          for (const answer of answers)
            if (answer.statusCode !== 200) assertProblem(answer, 412, 'version_conflict');
          const won = winners[0]!.json<Versioned>();
          assert.equal(won.version, 2);
          const stored = (
            await app.inject({ url: `/api/v1/${kind}/${item.id}`, headers: user.headers })
          ).json<Versioned>();
          assert.deepEqual(stored, won, `${kind}: the stored item is the winner's, whole`);
        }
      }
    });

    test('unconditional edits at once: a version each, the last one stored', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      for (let round = 0; round < rounds; round++) {
        const note = await createNote(app, user.headers, { title: 'start' });
        const answers = await Promise.all(
          Array.from({ length: WRITERS }, (_, i) =>
            patch(app, user.headers, `/api/v1/notes/${note.id}`, {
              title: `writer ${i}`,
              tags: [`w${i}`],
            }),
          ),
        );
        for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
        const written = answers.map((answer) => answer.json<Versioned>());
        assert.deepEqual(
          written.map((item) => item.version).sort((a, b) => a - b),
          Array.from({ length: WRITERS }, (_, i) => i + 2),
          'every write got its own version',
        );
        // Each answer shows its own write, whole.
        for (const item of written) assert.deepEqual(item.tags, [`w${item.title.split(' ')[1]}`]);
        const last = written.find((item) => item.version === WRITERS + 1)!;
        const stored = (
          await app.inject({ url: `/api/v1/notes/${note.id}`, headers: user.headers })
        ).json<Versioned>();
        assert.deepEqual(stored, last);
      }
    });

    test('a conditional delete against conditional edits: exactly one of them happens', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const outcomes: Record<string, number> = {};
      for (let round = 0; round < rounds * 2; round++) {
        const note = await createNote(app, user.headers, { title: 'start' });
        // The delete starts first, last, or in between, by round.
        const editTasks = Array.from(
          { length: 4 },
          (_, i) => () =>
            patch(app, user.headers, `/api/v1/notes/${note.id}`, { title: `writer ${i}` }, '"1"'),
        );
        const deleteTask = () =>
          app.inject({
            method: 'DELETE',
            url: `/api/v1/notes/${note.id}`,
            headers: { ...user.headers, 'if-match': '"1"' },
          });
        const order = [...editTasks];
        order.splice(round % 5, 0, deleteTask);
        const answers = await Promise.all(order.map((task) => task()));
        const deleted = answers[round % 5]!;
        const edits = answers.filter((_, i) => i !== round % 5);
        const successes = [deleted, ...edits].filter((answer) => answer.statusCode < 300);
        assert.equal(successes.length, 1);
        const stored = await app.inject({ url: `/api/v1/notes/${note.id}`, headers: user.headers });
        if (deleted.statusCode === 204) {
          outcomes.deleteWon = (outcomes.deleteWon ?? 0) + 1;
          assertProblem(stored, 404, 'not_found');
          for (const edit of edits) assert.ok([404, 412].includes(edit.statusCode), edit.body);
        } else {
          outcomes.editWon = (outcomes.editWon ?? 0) + 1;
          assertProblem(deleted, 412, 'version_conflict');
          assert.deepEqual(stored.json<Versioned>(), successes[0]!.json<Versioned>());
        }
      }
      report(`edit-races/delete-edit (${engine.name})`, outcomes);
    });
  });
}
