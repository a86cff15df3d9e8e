// `jotter serve`: migrate, listen, and shut down gracefully. On the embedded database one process
// owns DATA_DIR: a lock file held for the life of the process keeps a second `jotter serve` out
// (other commands, like a backup, may still open the database; SQLite's own locking protects it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import cluster from 'node:cluster';
import { buildApp, type App } from './app.ts';
import { reportListening, runPrimary } from './cluster/primary.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';

const SHUTDOWN_GRACE_MS = 10_000;

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Takes an exclusive SQLite lock on `DATA_DIR/serve.lock`. The operating system drops it when the
 * process dies, however it dies, so a crash never leaves a stale lock behind.
 */
export function lockDataDir(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = new DatabaseSync(join(dataDir, 'serve.lock'), { timeout: 0 });
  try {
    lock.exec('PRAGMA locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch {
    lock.close();
    throw new StartupError(
      `another jotter server is already running on DATA_DIR ${dataDir}; stop it or choose another DATA_DIR`,
    );
  }
  return lock;
}

/** `jotter serve`: one process, or a cluster primary with WORKERS processes. */
export async function serve(config: Config): Promise<void> {
  if (cluster.isWorker) {
    closeOnSignals(await startServer(config, { isWorker: true }));
  } else if (config.workers > 1) {
    await runPrimary(config);
  } else {
    closeOnSignals(await startServer(config));
  }
}

/**
 * Migrates and serves. A cluster worker skips the lock and the migrations: its primary holds the
 * one and has run the others.
 */
export async function startServer(config: Config, { isWorker = false } = {}): Promise<App> {
  const lock = config.databaseUrl || isWorker ? undefined : lockDataDir(config.dataDir);
  const db = openDatabase(config);
  try {
    if (!isWorker) await migrateToLatest(db);
  } catch (error) {
    await db.close();
    lock?.close();
    throw error;
  }
  const app = await buildApp(config, { db });
  app.addHook('onClose', async () => {
    await db.close();
    lock?.close();
  });
  const address = await app.listen({ port: config.port, host: config.host });
  if (isWorker) {
    app.log.info({ url: address, engine: db.engine }, 'worker listening');
    reportListening(address);
  } else {
    app.log.info({ url: address, engine: db.engine }, `Jotter listening on ${address}`);
  }
  return app;
}

/** Stops accepting connections, lets requests in flight finish (bounded), closes the database. */
export function closeOnSignals(app: App): void {
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.warn('requests still running after the grace period; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
