import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';

for (const engine of await testEngines()) {
  describe(`operations paths (${engine.name})`, () => {
    test('/healthz and /readyz answer 200 while the database answers', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const health = await app.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { status: 'ok' });
      const ready = await app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ok' });
    });

    test('/readyz is 503 problem+json when the database does not answer', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      await db.close();
      const ready = await app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.match(String(ready.headers['content-type']), /^application\/problem\+json/);
      assert.equal(ready.json<{ code: string }>().code, 'service_unavailable');
      const health = await app.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 200);
    });

    test('/openapi.json is an OpenAPI 3.1 document and /docs renders it', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const response = await app.inject({ url: '/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
      assert.equal(document.openapi, '3.1.0');
      for (const path of Object.keys(document.paths)) {
        assert.ok(path.startsWith('/api/v1/') || path === '/.well-known/jwks.json', path);
      }
      const docs = await app.inject({ url: '/docs' });
      assert.equal(docs.statusCode, 200);
      assert.match(String(docs.headers['content-type']), /^text\/html/);
      assert.match(docs.body, /Jotter API/);
    });
  });
}
