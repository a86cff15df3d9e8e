// `npm run bench`: Jotter under load on the embedded database, then on PostgreSQL when
// DATABASE_URL is set, each workload next to the ceiling a bare Fastify server reaches on the
// same machine in the same run. Prints one table and writes the same as JSON to
// bench/results/<date>.json (or --out). bench/README.md says how to read it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEngine, type EngineFacts } from './lib/engine.ts';
import { parseOptions } from './lib/options.ts';
import { openBenchPostgres, type BenchPostgres } from './lib/postgres.ts';
import { REPO_ROOT } from './lib/processes.ts';
import { formatTable, writeJson, type Row } from './lib/report.ts';
import { choosePinning, describeMachine, pinnedCommand, pinProcess } from './lib/system.ts';

const options = parseOptions(process.argv.slice(2), process.env);
const machine = describeMachine();
const pinning = choosePinning(options.pin);
if (pinning.loadCore !== undefined) pinProcess(process.pid, pinning.loadCore);
const runId = randomBytes(4).toString('hex');
const workDir = mkdtempSync(join(tmpdir(), 'jotter-bench-'));
const startedAt = new Date();

/** One argon2 hash alone, in a fresh process pinned where the server runs. */
function measureHash(): number {
  const [command, ...args] = pinnedCommand(
    [process.execPath, join(REPO_ROOT, 'bench', 'argon2-once.ts')],
    pinning.serverCore,
  );
  const output = execFileSync(command!, args, { encoding: 'utf8' });
  return (JSON.parse(output) as { hashMs: number }).hashMs;
}

console.log(
  `Jotter bench ${startedAt.toISOString()} on ${machine.cpu}, ${machine.cores} cores, ` +
    `${machine.memoryGb} GB, Node ${machine.node}; server core ${pinning.serverCore ?? 'any'}, ` +
    `load core ${pinning.loadCore ?? 'any'}; ${options.rounds} × ${options.seconds} s rounds ` +
    `after ${options.warmupSeconds} s warm-up`,
);
const hashMs = measureHash();
// Pinned, the server hashes on its one core; unpinned, on libuv's pool (4 threads) over the cores.
const hashCores = pinning.serverCore !== undefined ? 1 : Math.min(4, machine.cores);
console.log(`argon2id hash alone: ${hashMs.toFixed(1)} ms`);

const rows: Row[] = [];
const facts: Record<string, EngineFacts> = {};
let postgresVersion: string | undefined;
try {
  for (const [index, engine] of options.engines.entries()) {
    let postgres: BenchPostgres | undefined;
    if (engine === 'postgres') {
      postgres = await openBenchPostgres(options.databaseUrl!, runId);
      postgresVersion = await postgres.version();
    }
    console.log(
      `${engine}: starting, seeding ${options.users} users × ${options.notesPerUser} notes`,
    );
    try {
      const result = await benchEngine({
        engine,
        options,
        pinning,
        workDir: mkdtempSync(join(workDir, `${engine}-`)),
        runId,
        postgres,
        hashMs,
        hashCores,
        measureStatic: index === 0,
      });
      rows.push(...result.rows);
      facts[engine] = result.facts;
      if (!result.facts.hasNotes)
        console.log(`${engine}: no notes API on this server: notes workloads skipped`);
    } finally {
      await postgres?.drop();
    }
  }
} finally {
  if (!options.profileDir?.startsWith(workDir)) rmSync(workDir, { recursive: true, force: true });
}

console.log('');
console.log(formatTable(rows));
console.log('');
for (const [engine, fact] of Object.entries(facts)) {
  console.log(
    `${engine}: cold start ${fact.coldStartFirstMs.toFixed(0)} ms (new database), ` +
      `${fact.coldStartRestartMs.toFixed(0)} ms (restart); idle RSS ${fact.idleRssMb.toFixed(0)} MB; ` +
      `RSS after W-mixed ${fact.rssAfterMixedMb?.toFixed(0) ?? '-'} MB`,
  );
}
const invalid = rows.filter((row) => !row.valid).map((row) => `${row.engine} ${row.name}`);
const disturbed = rows.filter((row) => row.disturbed).map((row) => `${row.engine} ${row.name}`);
if (invalid.length > 0)
  console.log(`Invalid rows (non-2xx answers or errors): ${invalid.join(', ')}`);
if (disturbed.length > 0)
  console.log(`Disturbed rows (other work on the machine): ${disturbed.join(', ')}`);

const out =
  options.out ??
  join(
    REPO_ROOT,
    'bench',
    'results',
    `${startedAt.toISOString().slice(0, 19).replaceAll(':', '-')}.json`,
  );
writeJson(out, {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine,
  postgresVersion,
  pinning,
  options: {
    ...options,
    only: options.only ? [...options.only] : undefined,
    databaseUrl: undefined,
  },
  argon2HashMs: hashMs,
  hashCores,
  facts,
  rows,
});
console.log(`Results written to ${out}`);
