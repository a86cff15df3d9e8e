// How the server serves the built web app: the page at `/` and at every client-side route, the
// hashed assets with a long cache, the API and operations paths untouched, and a clear page (not
// a crash) when the app has not been built. A fixture build keeps these tests independent of Vite.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { describe, test, type TestContext } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { temporaryDirectory, testEngines } from '../helpers/databases.ts';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = 'console.log("jotter");'.repeat(20);

function fixtureBuild(t: TestContext): string {
  const dir = temporaryDirectory('jotter-web-');
  t.after(() => dir.remove());
  mkdirSync(join(dir.path, 'assets'));
  writeFileSync(join(dir.path, 'index.html'), INDEX);
  writeFileSync(join(dir.path, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir.path, 'assets', 'app-1a2b3c.js'), SCRIPT);
  writeFileSync(join(dir.path, 'assets', 'app-1a2b3c.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(dir.path, 'assets', 'app-1a2b3c.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dir.path, '.env'), 'SECRET=1');
  return dir.path;
}

async function buildWebApp(t: TestContext, webRoot: string): Promise<TestApp> {
  const [sqlite] = await testEngines();
  return buildTestApp(t, sqlite!, { webRoot });
}

function assertProblem404(response: { statusCode: number; headers: Record<string, unknown> }) {
  assert.equal(response.statusCode, 404);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
}

describe('the web app', () => {
  test('/ and client-side routes answer the page with its own strict CSP', async (t) => {
    const { app } = await buildWebApp(t, fixtureBuild(t));
    for (const url of [
      '/',
      '/notes',
      '/notes/0193a5b2-7c1d-7e00-8000-000000000000',
      '/login?next=%2Ftodos',
    ]) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assert.equal(response.body, INDEX, url);
      assert.equal(response.headers['cache-control'], 'no-cache', url);
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /script-src 'self'(;|$)/, url);
      assert.match(csp, /style-src 'self'(;|$)/, url);
      assert.match(csp, /object-src 'none'/, url);
      assert.match(csp, /base-uri 'none'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.doesNotMatch(csp, /unsafe/, url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
    }
    const head = await app.inject({ method: 'HEAD', url: '/account' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
  });

  test('hashed assets are cached for a year and sent pre-compressed', async (t) => {
    const { app } = await buildWebApp(t, fixtureBuild(t));
    const plain = await app.inject({ url: '/assets/app-1a2b3c.js' });
    assert.equal(plain.statusCode, 200);
    assert.match(String(plain.headers['content-type']), /javascript/);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.body, SCRIPT);
    const br = await app.inject({
      url: '/assets/app-1a2b3c.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    const icon = await app.inject({ url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'public, max-age=3600');
  });

  test('API, operations and missing files keep their problem+json 404s', async (t) => {
    const { app } = await buildWebApp(t, fixtureBuild(t));
    for (const url of [
      '/api/v1/nothing',
      '/api',
      '/API/v1/notes',
      '/.well-known/nothing',
      '/docs/more',
      '/healthz/deep',
      '/assets/missing-123.js',
      '/favicon.ico',
      '/.env',
      '/index.html',
      '/assets/../.env',
      '/%2e%2e/package.json',
    ]) {
      assertProblem404(await app.inject({ url }));
    }
    assertProblem404(await app.inject({ method: 'POST', url: '/notes' }));
    assertProblem404(await app.inject({ method: 'PUT', url: '/account' }));
    const deleteRoot = await app.inject({ method: 'DELETE', url: '/' });
    assert.equal(deleteRoot.statusCode, 405);
    assert.equal(deleteRoot.headers.allow, 'GET, HEAD');
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  });

  test('without a build, pages explain how to build the app and the API still answers', async (t) => {
    const empty = temporaryDirectory('jotter-web-missing-');
    t.after(() => empty.remove());
    const { app } = await buildWebApp(t, join(empty.path, 'dist'));
    for (const url of ['/', '/notes']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 503, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assert.match(response.body, /npm run build:web/, url);
      assert.match(String(response.headers['content-security-policy']), /object-src 'none'/, url);
    }
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assertProblem404(await app.inject({ url: '/api/v1/nothing' }));
  });
});
