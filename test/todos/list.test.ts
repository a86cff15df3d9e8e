// Listing to-dos: by due date with undated last, then creation, then id; the done filter and the
// inclusive due range that leaves undated to-dos out; pages that neither skip nor repeat.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Todo } from '../../src/todos/schemas.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { createTodo, expectProblem, getPage, walkList } from '../helpers/resources.ts';

function titles(todos: Todo[]): string[] {
  return todos.map((todo) => todo.title);
}

for (const engine of await testEngines()) {
  describe(`todo lists (${engine.name})`, () => {
    test('order: due date ascending, undated last, then creation order', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      for (const [title, due_date, done] of [
        ['undated 1', null, false],
        ['march', '2024-03-01', false],
        ['january a', '2024-01-15', true],
        ['far', '9999-12-31', false],
        ['undated 2', null, true],
        ['january b', '2024-01-15', false],
        ['early', '0001-01-01', false],
      ] as const)
        await createTodo(app, alice.headers, { title, due_date, done });
      const list = async (query: string) =>
        titles((await getPage<Todo>(app, alice.headers, `/api/v1/todos?${query}`)).items);
      assert.deepEqual(await list(''), [
        'early',
        'january a',
        'january b',
        'march',
        'far',
        'undated 1',
        'undated 2',
      ]);
      assert.deepEqual(await list('done=true'), ['january a', 'undated 2']);
      assert.deepEqual(await list('done=false'), [
        'early',
        'january b',
        'march',
        'far',
        'undated 1',
      ]);
      assert.deepEqual(await list('due_from=2024-01-15&due_to=2024-03-01'), [
        'january a',
        'january b',
        'march',
      ]);
      assert.deepEqual(await list('due_from=2024-01-16'), ['march', 'far']);
      assert.deepEqual(await list('due_to=2024-01-15'), ['early', 'january a', 'january b']);
      assert.deepEqual(await list('due_to=2024-01-15&done=false'), ['early', 'january b']);
      assert.deepEqual(await list('due_from=2024-03-02&due_to=2024-03-01'), []);

      // Changing a due date moves the to-do; clearing it sends it to the end.
      const page = await getPage<Todo>(app, alice.headers, '/api/v1/todos?limit=1');
      const early = page.items[0]!;
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/todos/${early.id}`,
        headers: alice.headers,
        payload: { due_date: null },
      });
      assert.deepEqual((await list('')).at(-1), 'early');
    });

    test('dates in the query are validated', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      for (const query of [
        'due_from=2024-02-30',
        'due_to=2023-02-29',
        'due_from=2024-1-1',
        'due_from=yesterday',
        'due_from=2024-01-01&due_from=2024-01-02',
        'done=yes',
        'limit=0',
      ]) {
        const response = await app.inject({
          url: `/api/v1/todos?${query}`,
          headers: alice.headers,
        });
        expectProblem(response, 400, 'validation_failed');
      }
    });

    test('pages of a few hundred to-dos: each once, in order, while more are created', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const alice = await signUp(app);
      const before: Todo[] = [];
      for (let index = 0; index < 240; index++) {
        const due = index % 4 === 0 ? null : `2024-0${1 + (index % 9)}-1${index % 10}`;
        before.push(await createTodo(app, alice.headers, { title: `t${index}`, due_date: due }));
      }
      const during: Todo[] = [];
      const seen = await walkList<Todo>(app, alice.headers, '/api/v1/todos', {
        limit: 13,
        between: async (page) => {
          // New to-dos land anywhere in the order, before or after the cursor.
          during.push(
            await createTodo(app, alice.headers, { title: `new ${page}`, due_date: '2024-01-10' }),
            await createTodo(app, alice.headers, { title: `new undated ${page}`, due_date: null }),
          );
        },
      });
      const seenIds = seen.map((todo) => todo.id);
      assert.equal(new Set(seenIds).size, seenIds.length, 'no to-do twice');
      for (const todo of before) assert.ok(seenIds.includes(todo.id), `missing ${todo.title}`);
      const key = (todo: Todo) => [todo.due_date ?? '~', todo.created_at, todo.id].join('|');
      for (let index = 1; index < seen.length; index++)
        assert.ok(key(seen[index - 1]!) < key(seen[index]!), 'in order');
      // Undated ones made during the walk sort after every cursor: the walk reaches them.
      for (const todo of during.filter((item) => item.due_date === null))
        assert.ok(seenIds.includes(todo.id));
    });
  });
}
