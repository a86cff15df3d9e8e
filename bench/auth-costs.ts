// Micro-measurements of the costs behind authentication: one argon2id hash and verification, and
// one authenticated request (GET /api/v1/users/me through inject) with a token already verified
// (cache hit) and with a token seen for the first time (signature verification). Medians of
// several rounds; run with `node bench/auth-costs.ts` (embedded database in a temp folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { hashPassword, verifyPassword } from '../src/auth/passwords.ts';
import { parseConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeEach(count: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await work(i);
    times.push(performance.now() - start);
  }
  return times;
}

const dataDir = mkdtempSync(join(tmpdir(), 'jotter-bench-'));
try {
  const config = parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const db = openDatabase(config);
  await migrateToLatest(db);
  const app = await buildApp(config, { db, logger: false });
  await app.ready();

  const hashTimes = await timeEach(10, () => hashPassword('correct horse battery staple'));
  const stored = await hashPassword('correct horse battery staple');
  const verifyTimes = await timeEach(10, () =>
    verifyPassword(stored, 'correct horse battery staple'),
  );

  const register = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'bench@example.com', password: 'correct horse battery staple' },
  });
  const { user } = register.json<{ user: { id: string } }>();
  const session = await db.kysely
    .selectFrom('sessions')
    .select(['id', 'expires_at'])
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  const rounds = 2000;
  const tokens: string[] = [];
  for (let i = 0; i < rounds; i++) {
    tokens.push(
      (
        await app.auth.tokens.issue({
          userId: user.id,
          sessionId: session.id,
          role: 'user',
        })
      ).token,
    );
  }
  const request = (token: string) =>
    app.inject({ url: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } });
  // Warm-up, then first-seen tokens (uncached), then the same token again and again (cached).
  await timeEach(200, () => request(tokens[0]!));
  const uncached = await timeEach(rounds - 1, (i) => request(tokens[i + 1]!));
  const cached = await timeEach(rounds, () => request(tokens[0]!));

  const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`argon2id hash (19 MiB, t=2, p=1): median ${median(hashTimes).toFixed(1)} ms`);
  console.log(`argon2id verify:                  median ${median(verifyTimes).toFixed(1)} ms`);
  console.log(`GET /api/v1/users/me, cached token:   median ${us(median(cached))}`);
  console.log(`GET /api/v1/users/me, uncached token: median ${us(median(uncached))}`);
  console.log(`difference (signature verification): ${us(median(uncached) - median(cached))}`);
  await app.close();
  await db.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
