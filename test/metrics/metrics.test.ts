import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { buildTestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { parseExposition, sampleValue, scrape } from '../helpers/prometheus.ts';

const HOUR = 3_600_000;

async function insertSessions(db: Db, sessions: { expiresIn: number; revoked: boolean }[]) {
  const now = new Date().toISOString();
  const userId = randomUUID();
  await db.kysely
    .insertInto('users')
    .values({
      id: userId,
      email: `${userId}@example.com`,
      email_lower: `${userId}@example.com`,
      password_hash: 'not-a-hash',
      name: '',
      role: 'user',
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const session of sessions) {
    await db.kysely
      .insertInto('sessions')
      .values({
        id: randomUUID(),
        user_id: userId,
        created_at: now,
        last_used_at: now,
        expires_at: new Date(Date.now() + session.expiresIn).toISOString(),
        user_agent: 'test',
        ip: '127.0.0.1',
        revoked_at: session.revoked ? now : null,
      })
      .execute();
  }
}

for (const engine of await testEngines()) {
  describe(`/metrics (${engine.name})`, () => {
    test('scrapes cleanly and counts requests by route pattern and status', async (t) => {
      const { app } = await buildTestApp(t, engine);
      for (let i = 0; i < 3; i++) assert.equal((await app.inject('/healthz')).statusCode, 200);
      await app.inject('/api/v1/no-such-thing/123456');
      await app.inject({ method: 'DELETE', url: '/healthz' });

      const scraped = await scrape(app);
      const requests = { method: 'GET', route: '/healthz', status: '200' };
      assert.equal(sampleValue(scraped, 'jotter_http_requests_total', requests), 3);
      const seconds = 'jotter_http_request_duration_seconds';
      assert.equal(scraped.types.get(seconds), 'histogram');
      assert.equal(sampleValue(scraped, `${seconds}_count`, requests), 3);
      assert.equal(sampleValue(scraped, `${seconds}_bucket`, { ...requests, le: '+Inf' }), 3);
      assert.ok(sampleValue(scraped, `${seconds}_sum`, requests)! > 0);
      const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
      assert.equal(sampleValue(scraped, 'jotter_http_requests_total', unmatched), 1);
      const notAllowed = { method: 'DELETE', route: 'unmatched', status: '405' };
      assert.equal(sampleValue(scraped, 'jotter_http_requests_total', notAllowed), 1);
      // The raw URL never becomes a label value.
      assert.doesNotMatch(scraped.text, /no-such-thing/);

      // A scrape counts itself afterwards: the second one sees the first.
      const again = await scrape(app);
      const metricsRoute = { method: 'GET', route: '/metrics', status: '200' };
      assert.equal(sampleValue(again, 'jotter_http_requests_total', metricsRoute), 1);
    });

    test('reports event-loop lag, process figures and the database engine', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const scraped = await scrape(app);
      for (const name of [
        'nodejs_eventloop_lag_seconds',
        'nodejs_eventloop_lag_p99_seconds',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
      ]) {
        assert.ok(scraped.types.has(name), name);
      }
      assert.equal(sampleValue(scraped, 'jotter_database_info', { engine: engine.name }), 1);
      assert.equal(sampleValue(scraped, 'jotter_database_up'), 1);
      const pool = [
        'jotter_db_pool_max_connections',
        'jotter_db_pool_connections',
        'jotter_db_pool_idle_connections',
        'jotter_db_pool_waiting_requests',
      ];
      for (const name of pool) {
        // The embedded database has no pool; PostgreSQL's is watched.
        assert.equal(scraped.types.has(name), engine.name === 'postgres', name);
      }
      if (engine.name === 'postgres') {
        assert.equal(sampleValue(scraped, 'jotter_db_pool_max_connections'), 10);
        assert.ok(sampleValue(scraped, 'jotter_db_pool_connections')! >= 1);
        // The scrape's own count query may be waiting for a connection being opened.
        assert.ok(sampleValue(scraped, 'jotter_db_pool_waiting_requests')! <= 1);
      }
    });

    test('counts live sessions only: not revoked, not expired', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      assert.equal(sampleValue(await scrape(app), 'jotter_active_sessions'), 0);
      await insertSessions(db, [
        { expiresIn: HOUR, revoked: false },
        { expiresIn: HOUR, revoked: false },
        { expiresIn: HOUR, revoked: true },
        { expiresIn: -HOUR, revoked: false },
      ]);
      assert.equal(sampleValue(await scrape(app), 'jotter_active_sessions'), 2);
    });

    test('a database that does not answer still leaves a clean scrape', async (t) => {
      const { app, db } = await buildTestApp(t, engine);
      await db.close();
      const scraped = await scrape(app);
      assert.equal(sampleValue(scraped, 'jotter_database_up'), 0);
    });
  });
}

describe('/metrics outcomes and protection', () => {
  const [engine] = [{ name: 'sqlite' as const }];

  test('login and refresh outcomes published by the auth code are counted', async (t) => {
    const { app } = await buildTestApp(t, engine);
    const before = await scrape(app);
    for (const outcome of ['succeeded', 'failed', 'throttled', 'disabled']) {
      assert.equal(sampleValue(before, 'jotter_logins_total', { outcome }), 0, outcome);
    }
    for (const outcome of ['rotated', 'grace', 'reused', 'invalid']) {
      assert.equal(sampleValue(before, 'jotter_refreshes_total', { outcome }), 0, outcome);
    }
    const login = diagnostics.channel('jotter:login');
    const refresh = diagnostics.channel('jotter:refresh');
    login.publish({ outcome: 'failed' });
    login.publish({ outcome: 'failed' });
    login.publish({ outcome: 'succeeded' });
    refresh.publish({ outcome: 'reused' });
    // Anything else on the channel is ignored rather than turned into a new series.
    login.publish({ outcome: 'made-up' });
    login.publish(null);
    refresh.publish('rotated');

    const after = await scrape(app);
    assert.equal(sampleValue(after, 'jotter_logins_total', { outcome: 'failed' }), 2);
    assert.equal(sampleValue(after, 'jotter_logins_total', { outcome: 'succeeded' }), 1);
    assert.equal(sampleValue(after, 'jotter_refreshes_total', { outcome: 'reused' }), 1);
    assert.equal(sampleValue(after, 'jotter_refreshes_total', { outcome: 'rotated' }), 0);
    assert.doesNotMatch(after.text, /made-up/);
  });

  test('a closed app stops listening to the channels; two apps keep separate registries', async (t) => {
    const first = await buildTestApp(t, engine);
    const second = await buildTestApp(t, engine);
    await first.app.inject('/healthz');
    const healthz = { method: 'GET', route: '/healthz', status: '200' };
    assert.equal(sampleValue(await scrape(first.app), 'jotter_http_requests_total', healthz), 1);
    assert.equal(
      sampleValue(await scrape(second.app), 'jotter_http_requests_total', healthz),
      undefined,
    );
    await first.app.close();
    diagnostics.channel('jotter:login').publish({ outcome: 'succeeded' });
    assert.equal(
      sampleValue(await scrape(second.app), 'jotter_logins_total', { outcome: 'succeeded' }),
      1,
    );
    assert.equal(diagnostics.channel('jotter:login').hasSubscribers, true);
    await second.app.close();
    assert.equal(diagnostics.channel('jotter:login').hasSubscribers, false);
  });

  test('with METRICS_TOKEN set, only that bearer token reads the metrics', async (t) => {
    const token = 'metrics-token-0123456789abcdef';
    const { app } = await buildTestApp(t, engine, { env: { METRICS_TOKEN: token } });
    const refused = [
      {},
      { authorization: `Bearer ${token}x` },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: 'Bearer ' },
      { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
      { authorization: token },
    ];
    for (const headers of refused) {
      const response = await app.inject({ url: '/metrics', headers });
      assert.equal(response.statusCode, 401, JSON.stringify(headers));
      assert.equal(response.json<{ code: string }>().code, 'unauthenticated');
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="jotter"');
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.doesNotMatch(response.body, /jotter_http/);
    }
    // The token never shows in a query string either.
    const viaQuery = await app.inject({ url: `/metrics?access_token=${token}` });
    assert.equal(viaQuery.statusCode, 401);
    await scrape(app, { authorization: `Bearer ${token}` });
    await scrape(app, { authorization: `bearer ${token}` });
    const head = await app.inject({
      method: 'HEAD',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(head.statusCode, 200);
  });

  test('the format check itself rejects what a scraper would', () => {
    const good = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\n';
    parseExposition(good);
    assert.throws(() => parseExposition('a_total 3\n'), /TYPE/);
    assert.throws(() => parseExposition(`${good}a_total{x="1"} 4\n`), /once/);
    assert.throws(() => parseExposition(`${good}a_total{x=1} 4\n`), /malformed/);
    assert.throws(() => parseExposition(good.trimEnd()), /newline/);
  });
});
