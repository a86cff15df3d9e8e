// `jotter serve` with WORKERS > 1: this process prepares the database (lock, migrations, first
// signing key, shared secrets) once, then forks the workers that serve on one port. It relays
// revocations between workers, keeps login throttling exact across them (the counters live here,
// unless Redis holds them), restarts a worker that dies, and on SIGTERM/SIGINT stops them all
// gracefully before releasing the data directory.
import cluster, { type Worker } from 'node:cluster';
import { pino } from 'pino';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { addSigningKey } from '../auth/keys.ts';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { loadServerSecret } from '../db/secrets.ts';
import { lockDataDir } from '../serve.ts';
import { serveClusterMetrics } from '../metrics/cluster.ts';
import { isRevokedMessage } from './messages.ts';

const LISTENING_MESSAGE = 'jotter:listening';
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 30_000;
const SHUTDOWN_GRACE_MS = 15_000;

export function reportListening(url: string): void {
  process.send?.({ type: LISTENING_MESSAGE, url });
}

async function prepareDatabase(config: Config): Promise<void> {
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    await addSigningKey(
      db,
      { accessTokenTtl: config.accessTokenTtl, keyEncryptionSecret: config.keyEncryptionSecret },
      { onlyIfNone: true },
    );
    await loadServerSecret(db, 'csrf');
  } finally {
    await db.close();
  }
}

export async function runPrimary(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel });
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir);
  await prepareDatabase(config);
  if (!config.redisUrl) new RateLimiterClusterMaster();
  serveClusterMetrics();

  let shuttingDown = false;
  const crashes: number[] = [];
  const listening = new Set<number>();

  cluster.on('message', (from: Worker, message: unknown) => {
    if (isRevokedMessage(message)) {
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker && worker.id !== from.id) worker.send(message);
      }
    } else if (
      typeof message === 'object' &&
      message !== null &&
      (message as { type?: unknown }).type === LISTENING_MESSAGE
    ) {
      listening.add(from.id);
      if (listening.size === config.workers) {
        const url = (message as unknown as { url: string }).url;
        log.info(
          { url, workers: config.workers },
          `Jotter listening on ${url} (${config.workers} workers)`,
        );
      }
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (shuttingDown) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        lock?.close();
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > CRASH_LIMIT) {
      log.fatal({ code, signal }, 'workers keep dying; stopping');
      shuttingDown = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      lock?.close();
      process.exit(1);
    }
    log.error({ code, signal }, 'a worker died; starting another');
    cluster.fork();
  });

  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => {
      log.warn('workers still running after the grace period; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  for (let i = 0; i < config.workers; i++) cluster.fork();
}
