// Login throttling per (email, client address), and the per-address limits on registration and
// refresh; in memory, and shared through Redis between instances when REDIS_URL is set.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildPeerApp, buildTestApp } from '../helpers/app.ts';
import { signUp, uniqueEmail, TEST_PASSWORD } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';
import type { App } from '../../src/app.ts';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const isRedisRequired = process.env.REQUIRE_REDIS === '1';

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (isRedisRequired)
      throw new Error(`REQUIRE_REDIS=1 but Redis at ${REDIS_URL} is not reachable`, {
        cause: error,
      });
    console.warn(`# Redis not reachable at ${REDIS_URL}: shared-throttle tests left out`);
    return false;
  } finally {
    client.disconnect();
  }
}

function login(app: App, email: string, password: string, ip = '127.0.0.1') {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });
}

const [sqlite] = await testEngines();

describe('login throttling', () => {
  test('after N failures further attempts are 429 with Retry-After, even with the right password', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, {
      env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW: '600' },
    });
    const user = await signUp(app);
    for (let i = 0; i < 3; i++)
      assertProblem(await login(app, user.email, 'wrong password!'), 401, 'invalid_credentials');
    const throttled = await login(app, user.email, TEST_PASSWORD);
    assertProblem(throttled, 429, 'rate_limited');
    const retryAfter = Number(throttled.headers['retry-after']);
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 600,
      String(retryAfter),
    );
    // Another address, or another email from this address, is not affected.
    assert.equal((await login(app, user.email, TEST_PASSWORD, '10.0.0.2')).statusCode, 200);
    assertProblem(await login(app, uniqueEmail(), 'whatever-password'), 401, 'invalid_credentials');
    const events = await app.db.kysely
      .selectFrom('events')
      .select('type')
      .where('user_id', '=', user.user.id)
      .execute();
    assert.ok(events.some((event) => event.type === 'login_throttled'));
  });

  test('the window passes, and a success resets the count', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, {
      env: { LOGIN_MAX_FAILURES: '2', LOGIN_WINDOW: '60' },
    });
    const user = await signUp(app);
    assertProblem(await login(app, user.email, 'wrong password!'), 401, 'invalid_credentials');
    assert.equal((await login(app, user.email, TEST_PASSWORD)).statusCode, 200);
    assertProblem(await login(app, user.email, 'wrong password!'), 401, 'invalid_credentials');
    assertProblem(await login(app, user.email, 'wrong password!'), 401, 'invalid_credentials');
    assertProblem(await login(app, user.email, TEST_PASSWORD), 429, 'rate_limited');
  });

  test('unknown emails count the same way', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, { env: { LOGIN_MAX_FAILURES: '2' } });
    const email = uniqueEmail('ghost');
    assertProblem(await login(app, email, 'nope nope'), 401, 'invalid_credentials');
    assertProblem(await login(app, email, 'nope nope'), 401, 'invalid_credentials');
    assertProblem(await login(app, email, 'nope nope'), 429, 'rate_limited');
  });

  test('concurrent guesses cannot slip past the limit', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, { env: { LOGIN_MAX_FAILURES: '3' } });
    const user = await signUp(app);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => login(app, user.email, 'wrong password!')),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    assert.equal(statuses.filter((status) => status === 401).length, 3, statuses.join());
    assert.equal(statuses.filter((status) => status === 429).length, 7, statuses.join());
  });

  test('registration and refresh are limited per client address', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, {
      env: { REGISTER_MAX_PER_HOUR: '2', REFRESH_MAX_PER_MINUTE: '2' },
    });
    const register = (ip: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: uniqueEmail(), password: TEST_PASSWORD },
        remoteAddress: ip,
      });
    assert.equal((await register('10.1.1.1')).statusCode, 201);
    const second = await register('10.1.1.1');
    assert.equal(second.statusCode, 201);
    const third = await register('10.1.1.1');
    assertProblem(third, 429, 'rate_limited');
    assert.ok(Number(third.headers['retry-after']) <= 3600);
    assert.equal((await register('10.1.1.2')).statusCode, 201);

    const token = second.json<{ refresh_token: string }>().refresh_token;
    const refresh = (refreshToken: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: refreshToken },
        remoteAddress: '10.2.2.2',
      });
    const first = await refresh(token);
    assert.equal(first.statusCode, 200);
    assertProblem(await refresh('x'), 401, 'invalid_refresh_token');
    assertProblem(
      await refresh(first.json<{ refresh_token: string }>().refresh_token),
      429,
      'rate_limited',
    );
  });

  test('TRUST_PROXY takes the address that many hops from the right of X-Forwarded-For', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, {
      env: { LOGIN_MAX_FAILURES: '1', TRUST_PROXY: '1' },
    });
    const user = await signUp(app);
    const attempt = (forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'wrong password!' },
        headers: { 'x-forwarded-for': forwardedFor },
      });
    assertProblem(await attempt('1.1.1.1, 203.0.113.7'), 401, 'invalid_credentials');
    // Changing the spoofable left end does not escape the limit.
    assertProblem(await attempt('9.9.9.9, 203.0.113.7'), 429, 'rate_limited');
    assertProblem(await attempt('203.0.113.8'), 401, 'invalid_credentials');
    const sessions = await app.inject({
      url: '/api/v1/auth/sessions',
      headers: { ...user.headers, 'x-forwarded-for': 'spoof, 198.51.100.4' },
    });
    assert.equal(sessions.statusCode, 200);
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: TEST_PASSWORD },
      headers: { 'x-forwarded-for': 'spoof, 198.51.100.4' },
    });
    const token = login.json<{ access_token: string }>().access_token;
    const items = (
      await app.inject({
        url: '/api/v1/auth/sessions',
        headers: { authorization: `Bearer ${token}` },
      })
    ).json<{ items: { ip: string; current: boolean }[] }>().items;
    assert.equal(items.find((item) => item.current)?.ip, '198.51.100.4');
  });

  test('without TRUST_PROXY, X-Forwarded-For is ignored', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, { env: { LOGIN_MAX_FAILURES: '1' } });
    const user = await signUp(app);
    const attempt = (forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'wrong password!' },
        headers: { 'x-forwarded-for': forwardedFor },
      });
    assertProblem(await attempt('1.1.1.1'), 401, 'invalid_credentials');
    assertProblem(await attempt('2.2.2.2'), 429, 'rate_limited');
  });
});

describe('throttling shared through Redis', async () => {
  const hasRedis = await redisReachable();
  test(
    'two instances count the same failures',
    { skip: !hasRedis && 'Redis not reachable' },
    async (t) => {
      const env = { LOGIN_MAX_FAILURES: '2', REDIS_URL };
      const { app: first, config, throttleKeyPrefix } = await buildTestApp(t, sqlite!, { env });
      const second = await buildPeerApp(t, config, throttleKeyPrefix);
      const user = await signUp(first);
      assertProblem(await login(first, user.email, 'wrong password!'), 401, 'invalid_credentials');
      assertProblem(
        await login(second.app, user.email, 'wrong password!'),
        401,
        'invalid_credentials',
      );
      assertProblem(await login(first, user.email, TEST_PASSWORD), 429, 'rate_limited');
      assertProblem(await login(second.app, user.email, TEST_PASSWORD), 429, 'rate_limited');
    },
  );
});
