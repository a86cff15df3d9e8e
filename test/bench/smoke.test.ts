// A short run of the benchmark (about a second per workload, no targets checked), so that
// `npm run bench` cannot rot: it must complete on each engine, every answer it got must have been
// 2xx, and it must write a results file with every row it printed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { POSTGRES_URL, temporaryDirectory, testEngines } from '../helpers/databases.ts';

const RUN = join(import.meta.dirname, '..', '..', 'bench', 'run.ts');

interface Results {
  machine: { cores: number };
  argon2HashMs: number;
  facts: Record<string, { coldStartFirstMs: number; idleRssMb: number; hasNotes: boolean }>;
  rows: { engine: string; name: string; rps: number; p99: number; valid: boolean }[];
}

for (const engine of await testEngines()) {
  test(`npm run bench -- --smoke completes and writes its results (${engine.name})`, async (t) => {
    const dir = temporaryDirectory('jotter-bench-smoke-');
    t.after(() => dir.remove());
    const out = join(dir.path, 'results.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [RUN, '--smoke', '--engines', engine.name, '--out', out],
      {
        env: {
          PATH: process.env.PATH ?? '',
          ...(engine.name === 'postgres' ? { DATABASE_URL: POSTGRES_URL } : {}),
        },
        timeout: 180_000,
      },
    );
    assert.match(stdout, /req\/s/);
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    assert.ok(results.argon2HashMs > 0);
    const facts = results.facts[engine.name];
    assert.ok(facts && facts.coldStartFirstMs > 0 && facts.idleRssMb > 0);
    const names = results.rows.map((row) => row.name);
    assert.ok(names.includes('W-login'));
    assert.ok(names.includes('ceiling static'));
    if (facts.hasNotes) {
      for (const name of ['W-read', 'W-write', 'W-mixed', 'W-storm reads', 'W-big first page'])
        assert.ok(names.includes(name), `${name} in the results`);
      if (engine.name === 'postgres') assert.ok(names.includes('ceiling pg'));
    }
    for (const row of results.rows) {
      // Logins during the storm run at a lower priority than the reads by design; on a loaded
      // machine a two-second window may see none finish. Every other row must have figures.
      if (row.name !== 'W-storm logins') assert.ok(row.rps > 0, `${row.name} has figures`);
      assert.ok(row.p99 >= 0, `${row.name} has a p99`);
      assert.equal(row.valid, true, `${row.engine} ${row.name}: every answer 2xx`);
    }
  });
}
