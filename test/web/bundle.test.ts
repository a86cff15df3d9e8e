// The production build of the web app (web/dist, made by `npm run build:web`, which `npm test`
// runs first): small, no source maps, nothing from the build machine or its secrets inside, and
// a page whose only scripts and styles are files (the CSP allows no inline code).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';

const REPO = join(import.meta.dirname, '..', '..');
const DIST = join(REPO, 'web', 'dist');
const JS_BUDGET_GZIP = 60 * 1024;
const SECRET_MARKERS = [
  'PRIVATE KEY',
  'KEY_ENCRYPTION_SECRET',
  'METRICS_TOKEN',
  'DATABASE_URL',
  'REDIS_URL',
  'postgres://',
];

function builtFiles(dir = DIST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? builtFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const served = (file: string) => !/\.(gz|br)$/.test(file);

test('web/dist exists (npm run build:web)', () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'web/dist is missing: run npm run build:web');
});

test('the page loads its script and styles from files, never inline', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  assert.match(html, /<script type="module" crossorigin src="\/assets\/[\w-]+\.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'inline script');
  assert.doesNotMatch(html, /<style|\sstyle=/, 'inline style');
});

test('no source maps, build paths or secrets are published', () => {
  const files = builtFiles().filter(served);
  assert.ok(files.length > 0);
  for (const file of files) {
    const name = relative(DIST, file);
    assert.doesNotMatch(name, /\.map$/, `${name} is a source map`);
    const text = readFileSync(file, 'latin1');
    assert.ok(!text.includes('sourceMappingURL'), `${name} points at a source map`);
    assert.ok(!text.includes(REPO), `${name} contains the build machine's path ${REPO}`);
    for (const marker of SECRET_MARKERS) {
      assert.ok(!text.includes(marker), `${name} contains ${marker}`);
    }
  }
});

test(`the JavaScript is under ${JS_BUDGET_GZIP / 1024} KB gzipped`, () => {
  const scripts = builtFiles().filter((file) => file.endsWith('.js'));
  const size = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  console.log(
    `# web app JavaScript: ${(size / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s)`,
  );
  assert.ok(size <= JS_BUDGET_GZIP, `${size} bytes gzipped`);
});
