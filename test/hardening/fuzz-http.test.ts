// Property-based fuzzing below the routes: raw HTTP/1.1 requests written to a socket, with
// odd methods and targets, control characters and CR/LF in headers, conflicting framing
// (Content-Length twice, chunked plus a length), broken chunking and random body bytes. Every
// answer must be a registered status with problem+json for errors, or the connection closed;
// nothing may hang past the server timeouts, and the server must keep serving. Seeded: the seed
// is printed and FUZZ_SEED=<seed> replays the run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES, type ErrorCode } from '../../src/http/errors.ts';
import { buildTestApp } from '../helpers/app.ts';
import { signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { report, runSeed, scaled } from '../helpers/hardening.ts';
import { openRaw } from '../helpers/raw-http.ts';

const TIMEOUTS = { headers: 1_000, request: 2_000, keepAlive: 1_000, idleSocket: 5_000 };
const [sqlite] = await testEngines();

const METHOD = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'TRACE', 'CONNECT', 'PRI'),
  fc.constantFrom('get', 'G\u0000T', 'POST ', '', 'X'.repeat(300)),
  fc.stringMatching(/^[A-Z]{1,10}$/),
);
const TARGET = fc.oneof(
  fc.constantFrom(
    '/api/v1/notes',
    '/api/v1/users/me',
    '/api/v1/auth/login',
    '/healthz',
    '*',
    'http://127.0.0.1/healthz',
    '//etc/passwd',
    '/api/v1/notes/%',
    '/api/v1/notes/../../users/me',
    '/api/v1/notes?limit=1&limit=2',
    '/\u0000',
    '/a b',
    `/api/v1/notes/${'a'.repeat(10_000)}`,
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((text) => `/${text}`),
);
const VERSION = fc.constantFrom(
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/1.1x',
  'HTTP/9.9',
  '',
);
const HEADER_NAME = fc.oneof(
  fc.constantFrom(
    'Host',
    'Content-Type',
    'Content-Length',
    'Transfer-Encoding',
    'Authorization',
    'Cookie',
    'X-CSRF-Token',
    'If-Match',
    'Expect',
    'Connection',
    'Upgrade',
  ),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }),
);
const HEADER_VALUE = fc.oneof(
  fc.constantFrom(
    'application/json',
    'chunked',
    'gzip, chunked',
    '100-continue',
    'keep-alive',
    'close',
    'websocket',
    'Bearer x.y.z',
    '-1',
    '0',
    '99999999999999999999',
    'a\u0000b',
    'a\r\nX-Injected: 1',
    'a\r\n folded',
    '\u00ff\u00fe',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }),
);

interface RawCase {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: Uint8Array;
  framing: 'length' | 'chunked' | 'none' | 'wrong-length' | 'bad-chunks';
}

const RAW_CASE: fc.Arbitrary<RawCase> = fc.record({
  method: METHOD,
  target: TARGET,
  version: VERSION,
  headers: fc.array(fc.tuple(HEADER_NAME, HEADER_VALUE), { maxLength: 6 }),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc
      .constantFrom('{"email":"a@b.co","password":"x"}', '{}', '[')
      .map((text) => Buffer.from(text)),
  ),
  framing: fc.constantFrom('length', 'length', 'chunked', 'none', 'wrong-length', 'bad-chunks'),
});

function encode(request: RawCase): Buffer {
  const head = [
    `${request.method} ${request.target} ${request.version}`.trimEnd(),
    'Host: 127.0.0.1',
  ];
  for (const [name, value] of request.headers) head.push(`${name}: ${value}`);
  const body = Buffer.from(request.body);
  let payload = Buffer.alloc(0);
  if (request.framing === 'length' || request.framing === 'wrong-length') {
    const length = request.framing === 'length' ? body.length : body.length + 7;
    head.push(`Content-Length: ${length}`);
    payload = body;
  } else if (request.framing === 'chunked') {
    head.push('Transfer-Encoding: chunked');
    payload = Buffer.concat([
      Buffer.from(`${body.length.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
  } else if (request.framing === 'bad-chunks') {
    head.push('Transfer-Encoding: chunked');
    payload = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n')]);
  }
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

describe('fuzzing raw HTTP requests', () => {
  test('registered answers in problem+json or a closed connection; never a hang', async (t) => {
    const { app } = await buildTestApp(t, sqlite!, { timeouts: TIMEOUTS });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const user = await signUp(app);
    const seed = runSeed();
    const counts = {
      cases: 0,
      answered: 0,
      closedWithoutAnswer: 0,
      byStatus: {} as Record<number, number>,
    };

    await fc.assert(
      fc.asyncProperty(RAW_CASE, async (request) => {
        const connection = await openRaw(port);
        const bytes = encode(request);
        // Half the time the bearer token is valid, to get past authentication.
        connection.send(
          request.headers.length % 2
            ? Buffer.from(
                bytes
                  .toString('latin1')
                  .replace(
                    'Host: 127.0.0.1',
                    `Host: 127.0.0.1\r\nAuthorization: ${user.headers.authorization}`,
                  ),
                'latin1',
              )
            : bytes,
        );
        connection.socket.end();
        const deadline = TIMEOUTS.request + 3_000;
        const outcome = await Promise.race([
          connection.answer.then((answer) => ({ answer })),
          new Promise<{ hang: true }>((resolve) =>
            setTimeout(() => resolve({ hang: true }), deadline).unref(),
          ),
        ]);
        connection.socket.destroy();
        counts.cases++;
        assert.ok(!('hang' in outcome), `no answer and no close within ${deadline} ms`);
        const { answer } = outcome;
        if (!answer) {
          counts.closedWithoutAnswer++;
          return;
        }
        counts.answered++;
        counts.byStatus[answer.status] = (counts.byStatus[answer.status] ?? 0) + 1;
        const where = `${request.method} ${request.target.slice(0, 60)} → ${answer.status} ${answer.body.slice(0, 200)}`;
        assert.ok(answer.status < 500, where);
        if (answer.status >= 400) {
          assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/, where);
          if (answer.body) {
            const problem = JSON.parse(answer.body) as { code: ErrorCode; status: number };
            assert.ok(problem.code in ERROR_CODES, where);
            assert.equal(problem.status, answer.status, where);
          }
        }
      }),
      { seed, numRuns: scaled(150, 2_000), endOnFailure: true },
    );
    // Still serving.
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    report('fuzz-http', { seed, ...counts });
  });
});
