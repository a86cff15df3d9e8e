// Slow and abusive clients against a real listening server: slowloris headers and bodies are cut
// off by the server timeouts with 408 problem+json; malformed requests and oversize headers get
// problem+json too; thousands of idle keep-alive connections do not starve real requests and are
// closed when idle too long; oversize bodies are refused before they are read.
// `npm test` runs with shortened timeouts; `npm run test:hardening` with the real ones.
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVER_TIMEOUTS, type ServerTimeouts } from '../../src/app.ts';
import { BODY_LIMIT } from '../../src/http/body.ts';
import { buildTestApp } from '../helpers/app.ts';
import { testEngines } from '../helpers/databases.ts';
import { isFullRun, report, scaled } from '../helpers/hardening.ts';
import { openRaw, type RawAnswer } from '../helpers/raw-http.ts';

const [sqlite] = await testEngines();

const SHORT: ServerTimeouts = {
  headers: 1_000,
  request: 2_000,
  keepAlive: 1_500,
  idleSocket: 10_000,
};
const TIMEOUTS = isFullRun ? SERVER_TIMEOUTS : SHORT;
// Node checks for expired requests every connectionsCheckingInterval (at most 1 s).
const CHECK_SLACK_MS = 1_500;

async function listening(t: TestContext, timeouts = TIMEOUTS): Promise<number> {
  const { app } = await buildTestApp(t, sqlite!, { timeouts });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

function assertProblemAnswer(answer: RawAnswer | undefined, status: number, code: string): void {
  assert.ok(answer, 'the server answered before closing');
  assert.equal(answer.status, status, answer.body);
  assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
  const body = JSON.parse(answer.body) as { code: string; status: number; type: string };
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(body.type, `/problems/${code}`);
  assert.equal(answer.headers['x-content-type-options'], 'nosniff');
}

/** Sends `chunks` one by one every `everyMs` until the connection closes or they run out. */
async function trickle(
  connection: Awaited<ReturnType<typeof openRaw>>,
  chunks: Iterable<string>,
  everyMs: number,
): Promise<void> {
  let isClosed = false;
  void connection.closed.then(() => (isClosed = true));
  for (const chunk of chunks) {
    if (isClosed) return;
    connection.send(chunk);
    await sleep(everyMs);
  }
}

function* forever(make: (i: number) => string, limit: number): Generator<string> {
  for (let i = 0; i < limit; i++) yield make(i);
}

async function fetchOk(port: number, path = '/healthz'): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('slow and abusive clients', () => {
  test('slowloris headers are cut off by the header timeout with 408', async (t) => {
    const port = await listening(t);
    const count = scaled(50, 300);
    const started = Date.now();
    const attackers = await Promise.all(Array.from({ length: count }, () => openRaw(port)));
    const sending = attackers.map((connection) =>
      trickle(
        connection,
        [
          'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n',
          ...forever((i) => `X-Slow-${i}: ${'a'.repeat(10)}\r\n`, 1000),
        ],
        TIMEOUTS.headers / 10,
      ),
    );
    // Real requests still get through while the attack runs.
    assert.equal(await fetchOk(port), 200);
    for (const connection of attackers) {
      const closedAt = await connection.closed;
      assertProblemAnswer(await connection.answer, 408, 'request_timeout');
      assert.ok(
        closedAt - started < TIMEOUTS.headers + CHECK_SLACK_MS + 2_000,
        `closed after ${closedAt - started} ms`,
      );
    }
    await Promise.all(sending);
    report('slow-clients/headers', { connections: count, cutOffAfterMs: Date.now() - started });
  });

  test('a body trickled slower than the request timeout is cut off with 408', async (t) => {
    const port = await listening(t);
    const count = scaled(20, 100);
    const started = Date.now();
    const attackers = await Promise.all(Array.from({ length: count }, () => openRaw(port)));
    const body = JSON.stringify({ email: 'slow@example.com', password: 'x'.repeat(200) });
    const sending = attackers.map((connection) => {
      connection.send(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      return trickle(connection, body, TIMEOUTS.request / 20);
    });
    assert.equal(await fetchOk(port), 200);
    for (const connection of attackers) {
      const closedAt = await connection.closed;
      assertProblemAnswer(await connection.answer, 408, 'request_timeout');
      assert.ok(closedAt - started < TIMEOUTS.request + CHECK_SLACK_MS + 2_000);
    }
    await Promise.all(sending);
    report('slow-clients/bodies', { connections: count, cutOffAfterMs: Date.now() - started });
  });

  test('thousands of idle keep-alive connections do not starve real requests', async (t) => {
    // Long enough that the idle connections are all still open while the real requests run.
    const timeouts = isFullRun
      ? SERVER_TIMEOUTS
      : { ...SHORT, headers: 2_500, request: 5_000, keepAlive: 2_500 };
    const { app } = await buildTestApp(t, sqlite!, { timeouts });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const serverConnections = () =>
      new Promise<number>((resolve, reject) =>
        app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    const count = scaled(1_000, 3_000);
    const startedAt = Date.now();
    const idle: Awaited<ReturnType<typeof openRaw>>[] = [];
    for (let i = 0; i < count; i += 250)
      idle.push(...(await Promise.all(Array.from({ length: 250 }, () => openRaw(port)))));
    // Then half make one request and stay open (keep-alive); the other half never say a word.
    idle.forEach((connection, i) => {
      if (i % 2 === 0) connection.send('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    const openedAt = Date.now();
    await Promise.all(idle.filter((_, i) => i % 2 === 0).map((connection) => connection.answer));
    const heldBefore = await serverConnections();
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const before = performance.now();
      assert.equal(await fetchOk(port, i % 2 ? '/healthz' : '/openapi.json'), 200);
      latencies.push(performance.now() - before);
    }
    const heldAfter = await serverConnections();
    assert.ok(
      Math.min(heldBefore, heldAfter) >= count * 0.9,
      `the server held ${heldBefore} and ${heldAfter} of ${count} idle connections`,
    );
    // Every idle connection is closed by the server: keep-alive ones after the keep-alive
    // timeout, silent ones after the header timeout.
    const closedAt = await Promise.all(idle.map((connection) => connection.closed));
    const latest = Math.max(...closedAt) - startedAt;
    assert.ok(
      latest <
        openedAt -
          startedAt +
          Math.max(timeouts.keepAlive, timeouts.headers) +
          CHECK_SLACK_MS +
          2_000,
      `the last idle connection closed after ${latest} ms`,
    );
    latencies.sort((a, b) => a - b);
    report('slow-clients/idle', {
      connections: count,
      openedInMs: openedAt - startedAt,
      heldDuringRealRequests: Math.min(heldBefore, heldAfter),
      realRequests: latencies.length,
      medianMs: Number(latencies[25]!.toFixed(1)),
      maxMs: Number(latencies.at(-1)!.toFixed(1)),
      allClosedAfterMs: latest,
    });
  });

  test('an oversize body is refused from its Content-Length before any byte is read', async (t) => {
    const port = await listening(t);
    const connection = await openRaw(port);
    connection.send(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${100 * BODY_LIMIT}\r\n\r\n`,
    );
    assertProblemAnswer(await connection.answer, 413, 'payload_too_large');
    await connection.closed;
  });

  test('a chunked body is refused as soon as it crosses the limit', async (t) => {
    const port = await listening(t);
    const connection = await openRaw(port);
    connection.send(
      'POST /api/v1/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    let answered = false;
    void connection.answer.then(() => (answered = true));
    // Offer up to 64 MiB; the server must answer long before.
    for (let i = 0; i < 1024 && !answered && !connection.socket.destroyed; i++) {
      if (!connection.send(framed)) await Promise.race([sleep(50), connection.answer]);
    }
    assertProblemAnswer(await connection.answer, 413, 'payload_too_large');
    await connection.closed;
    assert.ok(
      connection.sent() < 16 * BODY_LIMIT,
      `${connection.sent()} bytes sent before the answer`,
    );
    report('slow-clients/oversize', { chunkedBytesSentBeforeAnswer: connection.sent() });
  });

  test('malformed requests and oversize headers get problem+json', async (t) => {
    const port = await listening(t);
    const cases: [string, number, string][] = [
      ['NONSENSE\r\n\r\n', 400, 'bad_request'],
      ['GET /healthz HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n', 400, 'bad_request'],
      ['GET /healthz HTTP/1.1\r\nHost: a\r\nX: \u0000\r\n\r\n', 400, 'bad_request'],
      [
        'GET /healthz HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
        400,
        'bad_request',
      ],
      [
        `GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
      // An expectation the server does not know is ignored (Node alone would answer a bare 417).
      [
        'GET /api/v1/nope HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\nConnection: close\r\n\r\n',
        404,
        'not_found',
      ],
    ];
    for (const [raw, status, code] of cases) {
      const connection = await openRaw(port);
      connection.send(raw);
      assertProblemAnswer(await connection.answer, status, code);
      await connection.closed;
    }
    assert.equal(await fetchOk(port), 200);
  });
});
