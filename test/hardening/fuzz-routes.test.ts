// Property-based fuzzing of every route the OpenAPI document publishes, with fast-check: valid
// and invalid bodies, raw bodies (broken, deep, huge, not UTF-8), content types and encodings,
// query strings, path ids (the caller's own, another user's, hostile strings), and credentials
// (the attacker's own, forged, malformed). Every answer must be a documented status, errors in
// problem+json with a registered code, never a 500 and never a hang; and the other user's data
// must be exactly as it was. Seeded: the seed is printed, FUZZ_SEED=<seed> replays a run.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { App } from '../../src/app.ts';
import { ERROR_CODES, type ErrorCode } from '../../src/http/errors.ts';
import { buildTestApp } from '../helpers/app.ts';
import { loginWithCookies, signUp, type SignedUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { report, runSeed, scaled } from '../helpers/hardening.ts';
import {
  CONTENT_ENCODING,
  CONTENT_TYPE,
  HOSTILE_STRING,
  invalidValue,
  operationsOf,
  RAW_BODY,
  validValue,
  type Operation,
  type Vocabulary,
} from '../helpers/openapi-arbitraries.ts';
import { createNote, createTodo } from '../helpers/resources.ts';
import { snapshotUserData } from '../helpers/snapshot.ts';

const HANG_MS = 10_000;
const STACK_TRACE = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|SELECT |INSERT |sqlite|postgres/i;

interface Party {
  account: SignedUp;
  cookie: { cookie: string; 'x-csrf-token': string };
  sessionIds: string[];
  resourceIds: string[];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Tokens an attacker forges for the victim: `alg: none`, and HS256 keyed with a public key. */
function forgedTokens(victim: Party, publicKeyX: string): string[] {
  const claims = {
    sub: victim.account.user.id,
    sid: victim.sessionIds[0],
    aud: 'jotter',
    role: 'admin',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
  };
  const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  const hmac = createHmac('sha256', publicKeyX).update(unsigned).digest('base64url');
  return [none, `${unsigned}.${hmac}`];
}

/** An account with two sessions (bearer and cookie), two notes and two to-dos. */
async function party(app: App): Promise<Party> {
  const account = await signUp(app);
  const session = await loginWithCookies(app, account.email, account.password);
  const sessions = await app.inject({ url: '/api/v1/auth/sessions', headers: account.headers });
  const notes = [
    await createNote(app, account.headers, { title: 'first', body: 'words here', tags: ['a'] }),
    await createNote(app, account.headers, { title: 'second', pinned: true }),
  ];
  const todos = [
    await createTodo(app, account.headers, { title: 'one', due_date: '2030-01-31' }),
    await createTodo(app, account.headers, { title: 'two', done: true }),
  ];
  return {
    account,
    cookie: session.headers,
    sessionIds: sessions.json<{ items: { id: string }[] }>().items.map((item) => item.id),
    resourceIds: [...notes, ...todos].map((resource) => resource.id),
  };
}

/** Percent-encodes; lone surrogates (which UTF-8 cannot carry) become U+FFFD first. */
function encode(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: Buffer | undefined;
}

function requestArbitrary(operation: Operation, vocabulary: Vocabulary): fc.Arbitrary<FuzzRequest> {
  const pathValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...vocabulary.ids) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: HOSTILE_STRING.map((text) => encode(text.slice(0, 30))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%zz', '%00', '..', '%2e%2e', 'a%2Fb', '%F0%9F', '%C0%AF'),
    },
  );
  const queryValue = (schema: Operation['query'][number]['schema']) =>
    fc.oneof(
      validValue(schema, vocabulary).map(String),
      HOSTILE_STRING,
      fc.constantFrom('05', '1e2', '+5', '-1', '0', '101', 'true', 'maybe', '2023-02-29'),
    );
  const query = fc.array(
    fc.oneof(
      ...(operation.query.length
        ? [
            fc
              .constantFrom(...operation.query)
              .chain((parameter) =>
                fc.tuple(
                  fc.constantFrom(parameter.name, `${parameter.name}[]`),
                  queryValue(parameter.schema),
                ),
              ),
          ]
        : []),
      fc.tuple(HOSTILE_STRING, HOSTILE_STRING),
    ),
    { maxLength: 4 },
  );
  const bodyValue = operation.body
    ? fc.oneof(
        { weight: 4, arbitrary: validValue(operation.body, vocabulary) },
        { weight: 3, arbitrary: invalidValue(operation.body, vocabulary) },
      )
    : fc.jsonValue({ maxDepth: 2 });
  const payload = fc.oneof(
    { weight: 6, arbitrary: bodyValue.map((value) => Buffer.from(JSON.stringify(value) ?? '')) },
    { weight: 2, arbitrary: RAW_BODY },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constant(operation.method) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    },
  );
  const extraHeaders = fc.record(
    {
      'if-match': fc.oneof(
        fc.constantFrom('"1"', '*', 'W/"1"', '"1", "2"', '', '"'),
        HOSTILE_STRING,
      ),
      accept: fc.constantFrom('*/*', 'text/html', 'application/xml', ''),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1, 10.0.0.1', 'garbage'),
      'x-csrf-token': fc.oneof(fc.constant(''), HOSTILE_STRING),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      method,
      pathValues: fc.array(pathValue, {
        minLength: operation.pathParams.length,
        maxLength: operation.pathParams.length,
      }),
      query,
      payload,
      contentType: CONTENT_TYPE,
      contentEncoding: CONTENT_ENCODING,
      extraHeaders,
    })
    .map((parts) => {
      let path = operation.path;
      operation.pathParams.forEach((name, i) => {
        path = path.replace(`{${name}}`, parts.pathValues[i]!);
      });
      const search = parts.query
        .map(([name, value]) => `${encode(name)}=${encode(value)}`)
        .join('&');
      const headers: Record<string, string> = { ...(parts.extraHeaders as Record<string, string>) };
      if (parts.contentType !== undefined) headers['content-type'] = parts.contentType;
      if (parts.contentEncoding !== undefined) headers['content-encoding'] = parts.contentEncoding;
      // Header values must be representable on the wire; the raw HTTP fuzzer covers the rest.
      for (const [name, value] of Object.entries(headers))
        if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) delete headers[name];
      return {
        method: parts.method,
        url: search ? `${path}?${search}` : path,
        headers,
        payload: parts.method === 'GET' || parts.method === 'HEAD' ? undefined : parts.payload,
      };
    });
}

function assertDocumentedAnswer(
  operation: Operation,
  request: FuzzRequest,
  response: Awaited<ReturnType<App['inject']>>,
): void {
  const status = response.statusCode;
  const where = `${request.method} ${request.url.slice(0, 200)} answered ${status} ${response.headers['content-type']} ${response.body.slice(0, 300)}`;
  assert.ok(status < 500, where);
  if (status < 400) {
    const expected = request.method === 'HEAD' ? [200] : operation.successStatuses;
    assert.ok(
      request.method !== operation.method || expected.includes(status),
      `${where}: undocumented ${status}`,
    );
    return;
  }
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, where);
  if (request.method === 'HEAD') return;
  const problem = response.json<{ code: ErrorCode; status: number; type: string }>();
  assert.ok(problem.code in ERROR_CODES, `${where}: unregistered code ${problem.code}`);
  const registered = ERROR_CODES[problem.code].status;
  assert.ok(
    status === registered || (problem.code === 'invalid_credentials' && status === 403),
    `${where}: ${problem.code} with status ${status}`,
  );
  assert.equal(problem.status, status);
  assert.equal(problem.type, `/problems/${problem.code}`);
  assert.doesNotMatch(response.body, STACK_TRACE, `${where}: leaks internals`);
}

/** fast-check's report without megabytes of counterexample: the cause, the seed and the path. */
function reportBriefly<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const example = JSON.stringify(details.counterexample, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 200
      ? `${value.slice(0, 200)}…(${value.length})`
      : value,
  );
  throw new Error(
    `fuzz case failed (replay: FUZZ_SEED=${details.seed}, path ${details.counterexamplePath}): ` +
      `${String((details.errorInstance as Error | undefined)?.message).slice(0, 1500)}\n` +
      `case: ${example.slice(0, 3000)}`,
  );
}

const SELF_ENDING = new Set(['logout', 'deleteMe', 'changePassword', 'updateMe', 'deleteSession']);

for (const engine of await testEngines()) {
  describe(`fuzzing every route from the OpenAPI document (${engine.name})`, () => {
    test('documented answers, no 500, no hang, no change to another user', async (t) => {
      const { app, db } = await buildTestApp(t, engine, {
        env: {
          REGISTER_MAX_PER_HOUR: '1000000',
          REFRESH_MAX_PER_MINUTE: '1000000',
          LOGIN_MAX_FAILURES: '1000',
        },
      });
      const document = (await app.inject({ url: '/openapi.json' })).json<
        Parameters<typeof operationsOf>[0]
      >();
      const operations = operationsOf(document);
      assert.ok(operations.length >= 8, 'the document lists the routes');
      const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json<{
        keys: { x: string }[];
      }>();

      const victim = await party(app);
      let attacker = await party(app);
      const before = await snapshotUserData(db, victim.account.user.id);
      const forged = forgedTokens(victim, jwks.keys[0]!.x);

      const vocabulary = (): Vocabulary => ({
        emails: [victim.account.email, victim.account.email.toUpperCase(), attacker.account.email],
        // Not the victim's password: logging in as the victim would be the victim acting.
        passwords: [attacker.account.password],
        ids: [
          ...attacker.sessionIds,
          ...attacker.resourceIds,
          ...victim.sessionIds,
          ...victim.resourceIds,
          victim.account.user.id,
        ],
        tokens: [attacker.account.refreshToken, victim.account.refreshToken.slice(0, 10)],
      });
      const credentials = fc.oneof(
        { weight: 6, arbitrary: fc.constant('bearer') },
        { weight: 2, arbitrary: fc.constant('cookie') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'none',
            'cookie-without-csrf',
            'forged',
            'garbage',
            'basic',
            'empty',
          ),
        },
      );
      const headersFor = (kind: string, forgedIndex: number): Record<string, string> => {
        switch (kind) {
          case 'bearer':
            return attacker.account.headers;
          case 'cookie':
            return attacker.cookie;
          case 'cookie-without-csrf':
            return { cookie: attacker.cookie.cookie };
          case 'forged':
            return { authorization: `Bearer ${forged[forgedIndex % forged.length]}` };
          case 'garbage':
            return { authorization: `Bearer ${'a'.repeat(forgedIndex)}.b.c` };
          case 'basic':
            return { authorization: 'Basic dXNlcjpwYXNz' };
          case 'empty':
            return { authorization: 'Bearer ' };
          default:
            return {};
        }
      };

      const seed = runSeed();
      const numRuns = scaled(200, 2_500);
      const counts = { cases: 0, byStatus: {} as Record<number, number>, attackerRenewed: 0 };
      const caseArbitrary = fc
        .constantFrom(...operations)
        .chain((operation) =>
          fc.tuple(
            fc.constant(operation),
            requestArbitrary(operation, vocabulary()),
            credentials,
            fc.nat(40),
          ),
        );

      await fc.assert(
        fc.asyncProperty(caseArbitrary, async ([operation, generated, kind, n]) => {
          // Credentials are resolved at run time: the attacker may have been renewed.
          const request: FuzzRequest = {
            ...generated,
            headers: { ...generated.headers, ...headersFor(kind, n) },
          };
          let timer: NodeJS.Timeout | undefined;
          const response = await Promise.race([
            app.inject({
              method: request.method as 'GET',
              url: request.url,
              headers: request.headers,
              payload: request.payload,
            }),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`hang: ${request.method} ${request.url}`)),
                HANG_MS,
              );
            }),
          ]).finally(() => clearTimeout(timer));
          counts.cases++;
          counts.byStatus[response.statusCode] = (counts.byStatus[response.statusCode] ?? 0) + 1;
          assertDocumentedAnswer(operation, request, response);
          const encoding = request.headers['content-encoding'];
          if (encoding && encoding !== 'identity' && request.payload?.length)
            assert.ok(response.statusCode >= 400, `a ${encoding} body was taken as plain JSON`);
          if (response.statusCode < 300 && SELF_ENDING.has(operation.operationId)) {
            attacker = await party(app);
            counts.attackerRenewed++;
          }
        }),
        { seed, numRuns, endOnFailure: true, reporter: reportBriefly },
      );

      // The victim never acted: everything of theirs is as it was, and their session still works.
      assert.deepEqual(await snapshotUserData(db, victim.account.user.id), before);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: victim.account.headers })).statusCode,
        200,
      );
      report(`fuzz-routes (${engine.name})`, { seed, operations: operations.length, ...counts });
    });
  });
}
