// One engine's part of the run: start Jotter on a fresh database (timing the first start and a
// restart, and reading its idle memory), seed it through the API, run the workloads against it,
// then measure that engine's ceiling with the same data.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runRounds, type LoadStream, type RunOptions, type Watched } from './load.ts';
import type { BenchOptions } from './options.ts';
import type { BenchPostgres } from './postgres.ts';
import { jotterSpec, scriptSpec, startServer, type RunningServer } from './processes.ts';
import { compare, toRow, type Row } from './report.ts';
import { seed, type Seeded } from './seed.ts';
import { processTree, treeRssMb, type Pinning } from './system.ts';
import { runBigWorkload } from './big.ts';
import {
  CONNECTIONS,
  loginStream,
  mixedStream,
  pgCeilingStream,
  readStream,
  staticCeilingStream,
  writeStream,
} from './workloads.ts';

export const SERVER_APP = 'jotter_bench_server';
export const CEILING_APP = 'jotter_bench_ceiling';

export interface EngineContext {
  engine: 'sqlite' | 'postgres';
  options: BenchOptions;
  pinning: Pinning;
  workDir: string;
  runId: string;
  postgres: BenchPostgres | undefined;
  /** Time of one argon2 hash (ms) and the cores hashing may use, for the login ceiling. */
  hashMs: number;
  hashCores: number;
  /** Whether this engine also measures the static ceiling (the first engine of the run does). */
  measureStatic: boolean;
}

export interface EngineFacts {
  coldStartFirstMs: number;
  coldStartRestartMs: number;
  idleRssMb: number;
  rssAfterMixedMb: number | undefined;
  hasNotes: boolean;
}

function wants(options: BenchOptions, workload: string): boolean {
  return options.only === undefined || options.only.has(workload);
}

function serverEnv(context: EngineContext): Record<string, string> {
  const { options, postgres } = context;
  return {
    ...(postgres
      ? { DATABASE_URL: postgres.urlFor(SERVER_APP) }
      : { DATA_DIR: join(context.workDir, 'data') }),
    LOG_LEVEL: options.logLevel,
    WORKERS: options.workers,
    // The bench registers its users from one address and logs them in over and over.
    REGISTER_MAX_PER_HOUR: '1000000',
    LOGIN_MAX_FAILURES: '1000',
  };
}

function watching(context: EngineContext, pids: () => number[], application: string): Watched {
  return {
    serverPids: pids,
    dbPids: async () => {
      if (!context.postgres) return [];
      // Pool connections open lazily: pin whatever serves the server now, before each round.
      await context.postgres.pinBackends(application, context.pinning.serverCore);
      return context.postgres.backendPids(application);
    },
  };
}

/** A synthetic page of the seeded shape, for the static ceiling when there is no notes API. */
function fallbackPage(): string {
  const now = new Date().toISOString();
  const items = Array.from({ length: 20 }, (_, i) => ({
    id: `0190f5c2-0000-7000-8000-${String(i).padStart(12, '0')}`,
    title: `Note ${i + 1} of user 1: able acid aged`,
    body: 'able acid aged also area army away baby back ball band bank base bath bear '.repeat(3),
    tags: ['bench', `topic-${i % 5}`],
    pinned: false,
    archived: false,
    version: 1,
    created_at: now,
    updated_at: now,
  }));
  return JSON.stringify({ items, next_cursor: null });
}

export async function benchEngine(
  context: EngineContext,
): Promise<{ rows: Row[]; facts: EngineFacts }> {
  const { engine, options, pinning } = context;
  const rows: Row[] = [];
  const run: RunOptions = {
    rounds: options.rounds,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
  };
  const spec = jotterSpec({
    env: serverEnv(context),
    core: pinning.serverCore,
    logDir: context.workDir,
    nodeFlags: options.nodeFlags,
  });
  const first = await startServer(spec);
  await first.stop();
  const profiled = options.profileDir
    ? jotterSpec({
        env: serverEnv(context),
        core: pinning.serverCore,
        logDir: context.workDir,
        nodeFlags: [...options.nodeFlags, '--cpu-prof', `--cpu-prof-dir=${options.profileDir}`],
      })
    : spec;
  const server: RunningServer = await startServer(profiled);
  const facts: EngineFacts = {
    coldStartFirstMs: first.startMs,
    coldStartRestartMs: server.startMs,
    idleRssMb: 0,
    rssAfterMixedMb: undefined,
    hasNotes: false,
  };
  let seeded: Seeded;
  try {
    await sleep(1000);
    facts.idleRssMb = treeRssMb(server.pid);
    seeded = await seed(server.url, {
      users: options.users,
      notesPerUser: options.notesPerUser,
      runId: context.runId,
    });
    facts.hasNotes = seeded.hasNotes;
    // With WORKERS > 1 the server is a primary and its workers: all of them are the server.
    const watched = watching(context, () => processTree(server.pid), SERVER_APP);
    const measure = async (name: string, connections: number, streams: LoadStream[]) => {
      const rounds = await runRounds(streams, run, watched);
      return streams.map((_, i) =>
        toRow(engine, streams.length > 1 ? `${name}[${i}]` : name, connections, rounds, i),
      );
    };
    const { users } = seeded;
    const hashCeiling = (context.hashCores * 1000) / context.hashMs;

    if (wants(options, 'login')) {
      const [row] = await measure('W-login', CONNECTIONS.login, [loginStream(server.url, users)]);
      compare(row!, 'hashing ceiling', row!.rps / hashCeiling, 0.8);
      rows.push(row!);
    }
    if (seeded.hasNotes) {
      let quietRead: Row | undefined;
      if (wants(options, 'read') || wants(options, 'storm')) {
        [quietRead] = await measure('W-read', CONNECTIONS.read, [readStream(server.url, users)]);
        if (wants(options, 'read')) rows.push(quietRead!);
      }
      if (wants(options, 'write'))
        rows.push(
          ...(await measure('W-write', CONNECTIONS.write, [writeStream(server.url, users)])),
        );
      if (wants(options, 'mixed')) {
        const [row] = await measure('W-mixed', CONNECTIONS.mixed, [mixedStream(server.url, users)]);
        facts.rssAfterMixedMb = treeRssMb(server.pid);
        rows.push(row!);
      }
      if (wants(options, 'storm')) {
        const [reads, logins] = await measure('W-storm', CONNECTIONS.read, [
          readStream(server.url, users),
          loginStream(server.url, users),
        ]);
        reads!.name = 'W-storm reads';
        logins!.name = 'W-storm logins';
        logins!.connections = CONNECTIONS.login;
        compare(reads!, 'quiet read p99', reads!.p99 / quietRead!.p99, 2, true);
        compare(logins!, 'hashing ceiling', logins!.rps / hashCeiling);
        rows.push(reads!, logins!);
      }
      if (wants(options, 'big'))
        rows.push(...(await runBigWorkload(context, server, seeded, run, watched)));
    }
  } finally {
    await server.stop();
  }

  if (wants(options, 'ceilings')) {
    const ceilings = await measureCeilings(context, seeded, run);
    rows.push(...ceilings);
    compareWithCeilings(engine, rows, ceilings);
  }
  return { rows, facts };
}

async function measureCeilings(
  context: EngineContext,
  seeded: Seeded,
  run: RunOptions,
): Promise<Row[]> {
  const { pinning, workDir, engine } = context;
  const rows: Row[] = [];
  if (context.measureStatic) {
    const pageFile = join(workDir, 'static-page.json');
    writeFileSync(pageFile, seeded.samplePage ?? fallbackPage());
    const ceiling = await startServer(
      scriptSpec({
        name: 'ceiling-static',
        script: 'ceilings/static-server.ts',
        env: { CEILING_PAGE_FILE: pageFile },
        core: pinning.serverCore,
        logDir: workDir,
      }),
    );
    try {
      const rounds = await runRounds(
        [staticCeilingStream(ceiling.url)],
        run,
        watching(context, () => [ceiling.pid], CEILING_APP),
      );
      rows.push(toRow('-', 'ceiling static', CONNECTIONS.read, rounds));
    } finally {
      await ceiling.stop();
    }
  }
  if (engine === 'postgres' && context.postgres && seeded.hasNotes) {
    const ceiling = await startServer(
      scriptSpec({
        name: 'ceiling-pg',
        script: 'ceilings/pg-server.ts',
        env: { DATABASE_URL: context.postgres.urlFor(CEILING_APP) },
        core: pinning.serverCore,
        logDir: workDir,
      }),
    );
    try {
      const stream = pgCeilingStream(
        ceiling.url,
        seeded.users.map((user) => user.id),
      );
      const rounds = await runRounds(
        [stream],
        run,
        watching(context, () => [ceiling.pid], CEILING_APP),
      );
      rows.push(toRow(engine, 'ceiling pg', CONNECTIONS.read, rounds));
    } finally {
      await ceiling.stop();
    }
  }
  return rows;
}

const TARGETS: Record<string, Record<string, number>> = {
  sqlite: { 'W-read': 0.5, 'W-mixed': 0.4, 'W-write': 0.25 },
  postgres: { 'W-read': 0.8 },
};

/** Ratios of the notes workloads to this engine's ceiling (static on SQLite, pg on PostgreSQL). */
export function compareWithCeilings(engine: string, rows: Row[], ceilings: Row[]): void {
  const ceilingName = engine === 'postgres' ? 'ceiling pg' : 'ceiling static';
  const ceiling = ceilings.find((row) => row.name === ceilingName);
  if (!ceiling || !(ceiling.rps > 0)) return;
  for (const row of rows) {
    if (row.engine !== engine || !['W-read', 'W-write', 'W-mixed'].includes(row.name)) continue;
    compare(
      row,
      ceilingName.replace('ceiling ', ''),
      row.rps / ceiling.rps,
      TARGETS[engine]?.[row.name],
    );
  }
}
