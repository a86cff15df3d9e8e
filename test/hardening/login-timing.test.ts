// Timing side channel at login: unknown emails against wrong passwords for real accounts, over
// real HTTP on loopback. The two kinds are interleaved in a seeded random order (so load from
// anything else on the machine falls on both alike), then compared: the answers must be the same
// bytes, the medians close, and a Mann-Whitney rank test must find no difference. What is
// asserted is what noise cannot fake: a real difference (a skipped hash, an extra query that takes
// milliseconds) moves the whole distribution and shows in both.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../helpers/app.ts';
import { signUp, uniqueEmail } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { isFullRun, report, runSeed, scaled, seededRandom } from '../helpers/hardening.ts';
import { mannWhitney, median } from '../helpers/statistics.ts';

interface Sample {
  ms: number;
  status: number;
  body: string;
  headers: string;
}

// Headers that differ per answer by nature.
const VARYING = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);

async function timedLogin(base: string, email: string, password: string): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  const ms = performance.now() - started;
  const headers = [...response.headers]
    .filter(([name]) => !VARYING.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort()
    .join('\n');
  return { ms, status: response.status, body, headers };
}

const engines = await testEngines();

for (const engine of isFullRun ? engines : engines.slice(0, 1)) {
  describe(`login timing (${engine.name})`, () => {
    test('unknown email and wrong password: same answer, indistinguishable latency', async (t) => {
      const { app } = await buildTestApp(t, engine, {
        env: { LOGIN_MAX_FAILURES: '1000', REGISTER_MAX_PER_HOUR: '1000' },
      });
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const accounts = await Promise.all(Array.from({ length: 4 }, () => signUp(app)));
      const seed = runSeed();
      const random = seededRandom(seed);
      const perKind = scaled(150, 400);
      // Same lengths on both sides, so body sizes cannot differ.
      const wrongPassword = 'a wrong password, 32 characters!';
      const unknownEmail = (): string => uniqueEmail('user').replace(/^user-/, 'nope-');

      const attempt = (kind: 'unknown' | 'wrong', i: number) =>
        kind === 'unknown'
          ? timedLogin(base, unknownEmail(), wrongPassword)
          : timedLogin(base, accounts[i % accounts.length]!.email, wrongPassword);

      // Warm up both paths (JIT, statement cache, connection pool).
      for (let i = 0; i < 20; i++) await attempt(i % 2 ? 'unknown' : 'wrong', i);

      const order = Array.from({ length: 2 * perKind }, (_, i) =>
        i % 2 ? ('unknown' as const) : ('wrong' as const),
      );
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const samples = { unknown: [] as Sample[], wrong: [] as Sample[] };
      for (const [i, kind] of order.entries()) samples[kind].push(await attempt(kind, i));

      // The answers: one status, one body, one set of headers, byte for byte.
      const all = [...samples.unknown, ...samples.wrong];
      assert.deepEqual(new Set(all.map((sample) => sample.status)), new Set([401]));
      assert.equal(new Set(all.map((sample) => sample.body)).size, 1, 'identical bodies');
      assert.equal(new Set(all.map((sample) => sample.headers)).size, 1, 'identical headers');

      const unknownMs = samples.unknown.map((sample) => sample.ms);
      const wrongMs = samples.wrong.map((sample) => sample.ms);
      const medians = { unknown: median(unknownMs), wrong: median(wrongMs) };
      const pooled = median([...unknownMs, ...wrongMs]);
      const relativeGap = Math.abs(medians.unknown - medians.wrong) / pooled;
      const rank = mannWhitney(unknownMs, wrongMs);
      report(`login-timing (${engine.name})`, {
        seed,
        samplesPerKind: perKind,
        medianUnknownMs: Number(medians.unknown.toFixed(2)),
        medianWrongMs: Number(medians.wrong.toFixed(2)),
        relativeGap: Number(relativeGap.toFixed(3)),
        u: rank.u,
        z: Number(rank.z.toFixed(2)),
        p: Number(rank.p.toFixed(4)),
      });
      assert.ok(relativeGap < 0.15, `medians differ by ${(relativeGap * 100).toFixed(1)}%`);
      assert.ok(rank.p > 0.001, `rank test tells them apart: z = ${rank.z.toFixed(2)}`);
    });
  });
}
