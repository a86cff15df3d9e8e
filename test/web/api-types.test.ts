// The web app's API client is typed from the server's OpenAPI document; this fails when a route
// schema changed and `npm run gen:api` was not run, so the browser code is checked against the
// API as it is, not as it was.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_TYPES_FILE, generateApiTypes } from '../../web/scripts/gen-api.ts';

test('web/src/api/schema.d.ts is generated from the current OpenAPI document', async () => {
  const expected = await generateApiTypes();
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  assert.ok(
    committed === expected,
    `${API_TYPES_FILE} is out of date with the route schemas: run npm run gen:api and commit it`,
  );
});
