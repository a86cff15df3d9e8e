// The metrics of one application instance, in a registry of its own: HTTP traffic by route
// pattern and status, login and refresh outcomes, live sessions and the database pool.
//
// Login and refresh outcomes arrive on `node:diagnostics_channel` (published by the auth code),
// so authentication does not depend on metrics. Channels are process-wide: with one application
// per process, as in production, every message is this instance's.
import diagnostics from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/connect.ts';
import { countLiveSessions } from './repo.ts';

export const LOGIN_CHANNEL = 'jotter:login';
export const REFRESH_CHANNEL = 'jotter:refresh';
export const LOGIN_OUTCOMES = ['succeeded', 'failed', 'throttled', 'disabled'] as const;
export const REFRESH_OUTCOMES = ['rotated', 'grace', 'reused', 'invalid'] as const;

/** A scrape must not hang on a database that does not answer. */
const DATABASE_QUERY_TIMEOUT_MS = 2000;

export interface AppMetrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Unsubscribes from the channels; the registry is dropped with the app. */
  close(): void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function outcomeCounter(
  registry: Registry,
  name: string,
  help: string,
  outcomes: readonly string[],
  channel: string,
): () => void {
  const counter = new Counter({ name, help, labelNames: ['outcome'], registers: [registry] });
  // Every outcome is present from the start, so `rate()` sees the first event as an increase.
  for (const outcome of outcomes) counter.inc({ outcome }, 0);
  const onMessage = (message: unknown): void => {
    const outcome = (message as { outcome?: unknown } | null)?.outcome;
    // Only known outcomes: a label value from anywhere else would grow the series without bound.
    if (typeof outcome === 'string' && outcomes.includes(outcome)) counter.inc({ outcome });
  };
  diagnostics.subscribe(channel, onMessage);
  return () => diagnostics.unsubscribe(channel, onMessage);
}

function databaseGauges(registry: Registry, db: Db): void {
  // Both gauges below read one count per scrape (they are collected concurrently).
  let pending: Promise<number | undefined> | undefined;
  function liveSessions(): Promise<number | undefined> {
    pending ??= withTimeout(countLiveSessions(db, new Date()), DATABASE_QUERY_TIMEOUT_MS)
      .catch(() => undefined)
      .finally(() => (pending = undefined));
    return pending;
  }
  new Gauge({
    name: 'jotter_database_up',
    help: '1 when the scrape could query the database, else 0',
    registers: [registry],
    aggregator: 'min',
    async collect() {
      this.set((await liveSessions()) === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: 'jotter_active_sessions',
    help: 'Sessions neither revoked nor expired (keeps its last value while the database does not answer)',
    registers: [registry],
    // Every worker of a cluster counts the same table.
    aggregator: 'max',
    async collect() {
      const count = await liveSessions();
      if (count !== undefined) this.set(count);
    },
  });
  new Gauge({
    name: 'jotter_database_info',
    help: 'The database engine in use',
    labelNames: ['engine'],
    registers: [registry],
    aggregator: 'first',
  }).set({ engine: db.engine }, 1);

  const { pool } = db;
  // The embedded database is one connection in the process: there is no pool to watch.
  if (pool === undefined) return;
  const poolGauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  poolGauge('jotter_db_pool_max_connections', 'Size limit of the PostgreSQL pool', () =>
    Number(pool.options.max ?? 10),
  );
  poolGauge('jotter_db_pool_connections', 'PostgreSQL connections open (idle and in use)', () =>
    Number(pool.totalCount),
  );
  poolGauge('jotter_db_pool_idle_connections', 'PostgreSQL connections open and idle', () =>
    Number(pool.idleCount),
  );
  poolGauge(
    'jotter_db_pool_waiting_requests',
    'Queries waiting for a free PostgreSQL connection',
    () => Number(pool.waitingCount),
  );
}

export function createAppMetrics(db: Db): AppMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'jotter_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'jotter_http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its answer, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const unsubscribers = [
    outcomeCounter(
      registry,
      'jotter_logins_total',
      'Login attempts by outcome',
      LOGIN_OUTCOMES,
      LOGIN_CHANNEL,
    ),
    outcomeCounter(
      registry,
      'jotter_refreshes_total',
      'Refresh-token exchanges by outcome (grace: a spent token within REFRESH_REUSE_GRACE)',
      REFRESH_OUTCOMES,
      REFRESH_CHANNEL,
    ),
  ];
  databaseGauges(registry, db);

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
