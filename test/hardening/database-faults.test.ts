// PostgreSQL going away under a running server, on a dedicated PostgreSQL the test stops and
// starts (never the shared one): while it is down, /healthz still answers, /readyz and every
// request that needs the database answer 503 problem+json (never 500, never a hang), nothing
// crashes and no promise rejection goes unhandled; when it comes back the server recovers by
// itself (requests, logins, and the revocation listener), and the pool holds no more connections
// than before.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { buildApp, type App } from '../../src/app.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { testConfig } from '../helpers/app.ts';
import { TEST_PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { temporaryDirectory } from '../helpers/databases.ts';
import {
  dedicatedPostgresUnavailable,
  startDedicatedPostgres,
  type DedicatedPostgres,
} from '../helpers/dedicated-postgres.ts';
import { report, scaled } from '../helpers/hardening.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server.ts';

interface Answer {
  status: number;
  contentType: string;
  body: { code?: string; access_token?: string; refresh_token?: string };
}

async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Answer> {
  const response = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    // A request that hangs is a failure, not a wait.
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text ? (JSON.parse(text) as Answer['body']) : {},
  };
}

function assertUnavailable(answer: Answer, what: string): void {
  assert.equal(answer.status, 503, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  assert.match(answer.contentType, /^application\/problem\+json/, what);
  assert.equal(answer.body.code, 'service_unavailable', what);
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  ms = 30_000,
): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

async function serverConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    return result.rows[0]!.n;
  } finally {
    await client.end();
  }
}

const unavailable = dedicatedPostgresUnavailable();

describe('PostgreSQL faults under a running server', { skip: unavailable }, () => {
  let postgres: DedicatedPostgres;
  let db: Db;
  let app: App;
  let inProcess: string;
  let child: ServerProcess;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const dataDir = temporaryDirectory();

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    postgres = await startDedicatedPostgres();
    const config = testConfig({ DATABASE_URL: postgres.url, DATA_DIR: dataDir.path });
    db = openDatabase(config);
    await migrateToLatest(db);
    app = await buildApp(config, { db, logger: false });
    inProcess = await app.listen({ host: '127.0.0.1', port: 0 });
    child = await startServerProcess({
      DATABASE_URL: postgres.url,
      DATA_DIR: dataDir.path,
    });
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await child?.stop('SIGKILL');
    await app?.close();
    await db?.close();
    await postgres?.remove();
    dataDir.remove();
  });

  test('outages answer 503, recovery is automatic, connections do not leak', async () => {
    const email = uniqueEmail('faults');
    const registered = await call(inProcess, '/api/v1/auth/register', {
      method: 'POST',
      body: { email, password: TEST_PASSWORD },
    });
    assert.equal(registered.status, 201);
    const token = registered.body.access_token!;
    const servers = { 'in-process': inProcess, 'jotter serve': child.url };

    // Warm both pools, then remember how many connections a busy server holds.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(i % 2 ? child.url : inProcess, '/api/v1/users/me', { token }),
      ),
    );
    const connectionsBefore = await serverConnections(postgres.url);

    const faults = scaled(1, 6);
    const figures = { faults: 0, requestsDuringOutages: 0, recoveryMs: [] as number[] };
    for (let fault = 0; fault < faults; fault++) {
      const mode = fault % 2 === 0 ? 'fast' : 'immediate';
      // Requests in flight while the database goes away end as answers, never as a 500.
      const inFlight = Array.from({ length: 20 }, (_, i) =>
        call(i % 2 ? child.url : inProcess, '/api/v1/users/me', { token }),
      );
      await postgres.stop(mode);
      for (const answer of await Promise.all(inFlight)) {
        assert.ok([200, 503].includes(answer.status), `in flight: ${answer.status}`);
        if (answer.status === 503) assertUnavailable(answer, 'in flight');
      }

      for (const [name, base] of Object.entries(servers)) {
        assert.equal((await call(base, '/healthz')).status, 200, `${name} /healthz`);
        assertUnavailable(await call(base, '/readyz'), `${name} /readyz`);
        const during = await Promise.all([
          call(base, '/api/v1/users/me', { token }),
          call(base, '/api/v1/auth/sessions', { token }),
          call(base, '/api/v1/users/me', { method: 'PATCH', token, body: { name: 'x' } }),
          call(base, '/api/v1/auth/login', {
            method: 'POST',
            body: { email, password: TEST_PASSWORD },
          }),
          call(base, '/api/v1/auth/register', {
            method: 'POST',
            body: { email: uniqueEmail('down'), password: TEST_PASSWORD },
          }),
          call(base, '/api/v1/auth/refresh', {
            method: 'POST',
            body: { refresh_token: registered.body.refresh_token },
          }),
        ]);
        for (const answer of during) assertUnavailable(answer, `${name} during the outage`);
        figures.requestsDuringOutages += during.length + 2;
      }
      assert.equal(child.child.exitCode, null, 'jotter serve is still running');

      await postgres.start();
      const started = Date.now();
      for (const [name, base] of Object.entries(servers)) {
        await waitUntil(
          `${name} ready again`,
          async () => (await call(base, '/readyz')).status === 200,
        );
        await waitUntil(
          `${name} serves again`,
          async () => (await call(base, '/api/v1/users/me', { token })).status === 200,
        );
        const login = await call(base, '/api/v1/auth/login', {
          method: 'POST',
          body: { email, password: TEST_PASSWORD },
        });
        assert.equal(login.status, 200, `${name} login after recovery`);
      }
      figures.recoveryMs.push(Date.now() - started);
      figures.faults++;
    }

    // The revocation listeners reconnected: a logout on one server reaches the other.
    const session = await call(child.url, '/api/v1/auth/login', {
      method: 'POST',
      body: { email, password: TEST_PASSWORD },
    });
    const sessionToken = session.body.access_token!;
    assert.equal((await call(inProcess, '/api/v1/users/me', { token: sessionToken })).status, 200);
    await waitUntil('both listeners back', async () => {
      // LISTEN is re-established shortly after the database returns.
      return (await serverConnections(postgres.url)) > 0;
    });
    await sleep(1500);
    assert.equal(
      (await call(child.url, '/api/v1/auth/logout', { method: 'POST', token: sessionToken }))
        .status,
      204,
    );
    await waitUntil(
      'the logout reaches the other server',
      async () =>
        (await call(inProcess, '/api/v1/users/me', { token: sessionToken })).status === 401,
      1000,
    );

    // No leak: after the same load the pools hold no more connections than before the faults.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(i % 2 ? child.url : inProcess, '/api/v1/users/me', { token }),
      ),
    );
    const pool = db.pool!;
    assert.equal(pool.waitingCount, 0);
    assert.ok(pool.totalCount <= 10, `pool holds ${pool.totalCount} connections`);
    const connectionsAfter = await serverConnections(postgres.url);
    assert.ok(
      connectionsAfter <= Math.max(connectionsBefore, 2 * 11),
      `${connectionsAfter} connections after, ${connectionsBefore} before`,
    );
    assert.deepEqual(unhandled, [], 'no unhandled rejection in the in-process server');
    assert.doesNotMatch(child.output(), /unhandled|uncaught/i);
    report('database-faults', { ...figures, connectionsBefore, connectionsAfter });
  });
});
