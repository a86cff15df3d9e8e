// The notes and to-dos routes document themselves in /openapi.json: every operation with its id,
// tag, security, parameters and answers, errors included (problem details).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

test('notes and to-dos are in the OpenAPI document', async (t) => {
  const [engine] = await testEngines();
  const { app } = await buildTestApp(t, engine!);
  const response = await app.inject({ url: '/openapi.json' });
  const document = response.json<{
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  }>();
  assert.ok(document.components.schemas.Problem, 'Problem is a shared component');
  const expected: [string, string, string, string[]][] = [
    ['/api/v1/notes', 'get', 'listNotes', ['200', '400', '401']],
    ['/api/v1/notes', 'post', 'createNote', ['201', '400', '401']],
    ['/api/v1/notes/{id}', 'get', 'getNote', ['200', '401', '404']],
    ['/api/v1/notes/{id}', 'patch', 'updateNote', ['200', '400', '401', '404', '412']],
    ['/api/v1/notes/{id}', 'delete', 'deleteNote', ['204', '401', '404', '412']],
    ['/api/v1/todos', 'get', 'listTodos', ['200', '400', '401']],
    ['/api/v1/todos', 'post', 'createTodo', ['201', '400', '401']],
    ['/api/v1/todos/{id}', 'get', 'getTodo', ['200', '401', '404']],
    ['/api/v1/todos/{id}', 'patch', 'updateTodo', ['200', '400', '401', '404', '412']],
    ['/api/v1/todos/{id}', 'delete', 'deleteTodo', ['204', '401', '404', '412']],
  ];
  for (const [path, method, operationId, statuses] of expected) {
    const operation = document.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.operationId, operationId);
    assert.equal(operation.tags?.length, 1);
    assert.ok((operation.security ?? []).length > 0, `${operationId} declares its security`);
    assert.deepEqual(Object.keys(operation.responses).sort(), statuses, operationId);
    if (path.endsWith('{id}'))
      assert.ok(operation.parameters?.some((parameter) => parameter.name === 'id'));
    if (method === 'post' || method === 'patch') assert.ok(operation.requestBody, operationId);
    const problem = JSON.stringify(operation.responses['401']);
    assert.match(problem, /Problem/, `${operationId} 401 is a problem`);
  }
  const listParameters = document.paths['/api/v1/notes']!.get!.parameters!.map((p) => p.name);
  for (const name of ['limit', 'cursor', 'q', 'tag', 'archived', 'pinned'])
    assert.ok(listParameters.includes(name), name);
  const todoParameters = document.paths['/api/v1/todos']!.get!.parameters!.map((p) => p.name);
  for (const name of ['limit', 'cursor', 'done', 'due_from', 'due_to'])
    assert.ok(todoParameters.includes(name), name);
});
