// Route schemas compile on first use (src/http/lazy-schemas.ts). Every one of them must still
// compile, and a lazily compiled validator must refuse what the schema refuses, with Ajv's
// errors, on its first use as on later ones.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lazySchemaCompilers } from '../../src/http/lazy-schemas.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';

const sqlite = (await testEngines()).find((engine) => engine.name === 'sqlite')!;

describe('lazy route schemas', () => {
  test('every route schema of the app compiles', async (t) => {
    const { app } = await buildTestApp(t, sqlite);
    assert.doesNotThrow(() => app.compileAllSchemas());
  });

  test('a broken schema fails when compiled, not silently', () => {
    const { compilersFactory, compileAll } = lazySchemaCompilers();
    const compile = compilersFactory.buildValidator({}, { customOptions: {} });
    compile({
      schema: { type: 'object', properties: { a: { type: 'no-such-type' } } },
      method: 'POST',
      url: '/x',
      httpPart: 'body',
    });
    assert.throws(() => compileAll());
  });

  test('the first request of a route is validated like every later one', async (t) => {
    const { app } = await buildTestApp(t, sqlite);
    const alice = await signUp(app);
    for (let i = 0; i < 2; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/notes',
        headers: alice.headers,
        payload: { title: 42 },
      });
      assertProblem(response, 400, 'validation_failed');
      assert.match(response.body, /title/);
    }
  });
});
