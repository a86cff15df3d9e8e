// Crash safety: `jotter serve` runs as a child process while writers stream registrations,
// profile changes, and note creates, conditional updates and deletes; the test kills it with
// SIGKILL at seeded random moments, restarts it on the same data, and checks that every write
// that was acknowledged (a 2xx received) is there, that writes whose answer never came are either
// there or not (never half), and that the database passes its integrity check. On SQLite (the
// WAL file in DATA_DIR) and on PostgreSQL (a dedicated server, checked with amcheck).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { TEST_PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { temporaryDirectory } from '../helpers/databases.ts';
import {
  dedicatedPostgresUnavailable,
  startDedicatedPostgres,
  type DedicatedPostgres,
} from '../helpers/dedicated-postgres.ts';
import { report, runSeed, scaled, seededRandom } from '../helpers/hardening.ts';
import { startServerProcess } from '../helpers/server.ts';

/** A note's state as the API shows it; `gone` once deleted. */
type NoteState = { title: string; version: number } | 'gone';

interface Writer {
  email: string;
  token: string;
  /** Names the profile may hold: the last acknowledged one, plus any sent without an answer. */
  names: Set<string>;
  /** Per note: the states it may be in. One element once an answer settled it. */
  notes: Map<string, Set<string>>;
  /** Titles of creates whose answer never came (they may or may not exist). */
  unknownCreates: Set<string>;
}

const key = (state: NoteState): string =>
  state === 'gone' ? 'gone' : `${state.version}:${state.title}`;

class ServerGone extends Error {}

interface Tally {
  kills: number;
  acknowledged: number;
  /** Writes whose answer never came, found afterwards in one of their allowed states. */
  unknownOutcomes: number;
  unknownCreatesCommitted: number;
}

async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string; ifMatch?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(base + path, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.ifMatch ? { 'if-match': init.ifMatch } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    // Killed mid-request: the answer never came, so the write's outcome is unknown.
    throw new ServerGone();
  }
  const text = await response.text().catch(() => {
    throw new ServerGone();
  });
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** One writer's stream of writes until the server dies; every answer is checked as it comes. */
async function stream(base: string, writer: Writer, random: () => number, tally: Tally) {
  for (let step = 0; step < 10_000; step++) {
    const roll = random();
    const settled = [...writer.notes].filter(
      ([, states]) => states.size === 1 && !states.has('gone'),
    );
    if (roll < 0.4 || settled.length === 0) {
      const title = `note ${step} ${random().toString(36).slice(2, 8)}`;
      writer.unknownCreates.add(title);
      const answer = await call(base, '/api/v1/notes', {
        method: 'POST',
        token: writer.token,
        body: { title, body: `body of ${title}`, tags: ['crash'] },
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      writer.unknownCreates.delete(title);
      writer.notes.set(String(answer.body.id), new Set([key({ title, version: 1 })]));
      tally.acknowledged++;
    } else if (roll < 0.8) {
      const [id, states] = settled[Math.floor(random() * settled.length)]!;
      const [version, ...rest] = [...states][0]!.split(':');
      const title = `edit ${step} of ${rest.join(':').slice(0, 40)}`;
      states.add(key({ title, version: Number(version) + 1 }));
      const answer = await call(base, `/api/v1/notes/${id}`, {
        method: 'PATCH',
        token: writer.token,
        ifMatch: `"${version}"`,
        body: { title },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      writer.notes.set(id, new Set([key({ title, version: Number(answer.body.version) })]));
      tally.acknowledged++;
    } else if (roll < 0.9) {
      const [id, states] = settled[Math.floor(random() * settled.length)]!;
      states.add('gone');
      const answer = await call(base, `/api/v1/notes/${id}`, {
        method: 'DELETE',
        token: writer.token,
      });
      assert.equal(answer.status, 204);
      writer.notes.set(id, new Set(['gone']));
      tally.acknowledged++;
    } else {
      const name = `name ${step}`;
      writer.names.add(name);
      const answer = await call(base, '/api/v1/users/me', {
        method: 'PATCH',
        token: writer.token,
        body: { name },
      });
      assert.equal(answer.status, 200);
      writer.names = new Set([name]);
      tally.acknowledged++;
    }
  }
}

/** After a restart: every note and profile is in a state the writer allows; then it is settled. */
async function reconcile(base: string, writer: Writer, tally: Tally) {
  const me = await call(base, '/api/v1/users/me', { token: writer.token });
  assert.equal(me.status, 200, `acknowledged registration of ${writer.email} lost`);
  assert.ok(
    writer.names.has(String(me.body.name)),
    `profile name ${String(me.body.name)} unexpected`,
  );
  writer.names = new Set([String(me.body.name)]);
  for (const [id, states] of writer.notes) {
    const answer = await call(base, `/api/v1/notes/${id}`, { token: writer.token });
    const state: NoteState =
      answer.status === 404
        ? 'gone'
        : { title: String(answer.body.title), version: Number(answer.body.version) };
    assert.ok(
      states.has(key(state)),
      `note ${id} is ${key(state)}, allowed ${[...states].join(' | ')}`,
    );
    if (states.size > 1) tally.unknownOutcomes++;
    writer.notes.set(id, new Set([key(state)]));
  }
  // Creates whose answer never came either exist whole (found by title) or not at all.
  const list = await call(base, '/api/v1/notes?limit=100', { token: writer.token });
  const titles = new Set((list.body.items as { title: string }[]).map((note) => note.title));
  for (const title of writer.unknownCreates) if (titles.has(title)) tally.unknownCreatesCommitted++;
  writer.unknownCreates.clear();
}

function checkSqlite(dataDir: string): void {
  const db = new DatabaseSync(join(dataDir, 'jotter.db'));
  try {
    const integrity = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    assert.deepEqual(
      integrity.map((row) => row.integrity_check),
      ['ok'],
    );
    assert.equal(db.prepare('PRAGMA foreign_key_check').all().length, 0);
  } finally {
    db.close();
  }
}

async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS amcheck');
    // Every B-tree index of Jotter's tables, heap included (every row reachable from its index).
    const indexes = await client.query<{ index: string }>(
      `SELECT c.oid::regclass::text AS index FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.amname = 'btree' AND n.nspname = 'public'`,
    );
    assert.ok(indexes.rows.length > 5);
    for (const { index } of indexes.rows)
      await client.query('SELECT bt_index_check($1::regclass, true)', [index]);
  } finally {
    await client.end();
  }
}

const engines = [
  { name: 'sqlite' as const, skip: undefined },
  { name: 'postgres' as const, skip: dedicatedPostgresUnavailable() },
];

for (const engine of engines) {
  describe(`crash safety under SIGKILL (${engine.name})`, { skip: engine.skip }, () => {
    const dataDir = temporaryDirectory();
    let postgres: DedicatedPostgres | undefined;
    after(async () => {
      await postgres?.remove();
      dataDir.remove();
    });

    test('every acknowledged write survives; the database stays consistent', async () => {
      if (engine.name === 'postgres') postgres = await startDedicatedPostgres();
      const env = {
        DATA_DIR: dataDir.path,
        ...(postgres ? { DATABASE_URL: postgres.url } : {}),
        REGISTER_MAX_PER_HOUR: '100000',
        LOG_LEVEL: 'info',
      };
      const seed = runSeed();
      const random = seededRandom(seed);
      const kills = scaled(2, 12);
      const tally: Tally = {
        kills: 0,
        acknowledged: 0,
        unknownOutcomes: 0,
        unknownCreatesCommitted: 0,
      };
      const writers: Writer[] = [];

      let server = await startServerProcess(env);
      for (let i = 0; i < 4; i++) {
        const email = uniqueEmail('crash');
        const answer = await call(server.url, '/api/v1/auth/register', {
          method: 'POST',
          body: { email, password: TEST_PASSWORD, name: 'start' },
        });
        assert.equal(answer.status, 201);
        writers.push({
          email,
          token: String(answer.body.access_token),
          names: new Set(['start']),
          notes: new Map(),
          unknownCreates: new Set(),
        });
      }

      for (let kill = 0; kill < kills; kill++) {
        const streams = writers.map((writer) =>
          stream(server.url, writer, seededRandom(Math.floor(random() * 2 ** 31)), tally).catch(
            (error: unknown) => {
              if (!(error instanceof ServerGone)) throw error;
            },
          ),
        );
        await sleep(150 + random() * 1_000);
        await server.stop('SIGKILL');
        tally.kills++;
        await Promise.all(streams);
        if (engine.name === 'sqlite') checkSqlite(dataDir.path);
        server = await startServerProcess(env);
        for (const writer of writers) await reconcile(server.url, writer, tally);
      }
      await server.stop('SIGTERM');
      if (engine.name === 'sqlite') checkSqlite(dataDir.path);
      else await checkPostgres(postgres!.url);
      assert.ok(tally.acknowledged > kills * 4, `only ${tally.acknowledged} writes acknowledged`);
      report(`crash-safety (${engine.name})`, { seed, ...tally });
    });
  });
}
