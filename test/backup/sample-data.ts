// A small database with every table filled and the awkward values an export must carry exactly:
// quotes, backslashes, newlines, emoji, right-to-left text, booleans both ways, nulls, long text.
// Written straight through Kysely (the rows, not the API, are what export and import move).
// Also: running the command line, and fresh databases for it.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import { fileColumns, TABLES, type Row } from '../../src/backup/tables.ts';
import { parseConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestEngine } from '../helpers/databases.ts';
import { JOTTER_BIN } from '../helpers/server.ts';

const AWKWARD = 'quote " backslash \\ tab \t newline \n emoji 🦊 rtl שלום nbsp \u00a0 end';

/** Times from 2098 on, so no housekeeping of a server started on the data removes anything. */
function at(minutes: number): string {
  return new Date(Date.UTC(2098, 0, 1, 12, minutes)).toISOString();
}

function signingKey(kid: string, createdAt: string, retiredAt: string | null) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    kid,
    alg: 'EdDSA',
    public_jwk: JSON.stringify({
      ...publicKey.export({ format: 'jwk' }),
      kid,
      alg: 'EdDSA',
      use: 'sig',
    }),
    private_key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    created_at: createdAt,
    retired_at: retiredAt,
  };
}

function id(n: number): string {
  return `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

export async function fillSampleData(db: Db, users = 3): Promise<void> {
  const k = db.kysely;
  // Real Ed25519 keys (a server started on this data loads them); one retired, one signing.
  await k
    .insertInto('signing_keys')
    .values([signingKey('key-1', at(0), at(1)), signingKey('key-2', at(1), null)])
    .execute();
  await k
    .insertInto('server_secrets')
    .values([
      { name: 'csrf', value: 'c2VjcmV0LWNzcmY', created_at: at(0) },
      { name: 'cursor', value: 'c2VjcmV0LWN1cnNvcg', created_at: at(0) },
    ])
    .execute();
  let n = 100;
  for (let u = 1; u <= users; u++) {
    const userId = id(u);
    await k
      .insertInto('users')
      .values({
        id: userId,
        email: `User.${u}@Example.com`,
        email_lower: `user.${u}@example.com`,
        password_hash: `$argon2id$v=19$m=19456,t=2,p=1$salt${u}$hash${u}`,
        name: u === 1 ? AWKWARD : `User ${u}`,
        role: u === 1 ? 'admin' : 'user',
        disabled: u === 3,
        created_at: at(u),
        updated_at: at(u + 1),
      })
      .execute();
    for (let s = 0; s < 2; s++) {
      const sessionId = id(++n);
      await k
        .insertInto('sessions')
        .values({
          id: sessionId,
          user_id: userId,
          created_at: at(10 + s),
          last_used_at: at(20 + s),
          expires_at: at(3000 + s),
          user_agent: s === 0 ? 'Mozilla/5.0 (X11; Linux x86_64) "quoted"' : '',
          ip: s === 0 ? '2001:db8::1' : '203.0.113.7',
          revoked_at: s === 1 ? at(30) : null,
        })
        .execute();
      if (s === 1) {
        await k
          .insertInto('revoked_sessions')
          .values({
            session_id: sessionId,
            user_id: userId,
            revoked_at: at(30),
            expires_at: at(45),
          })
          .execute();
      }
      await k
        .insertInto('refresh_tokens')
        .values([
          {
            id: `token-${sessionId}-a`,
            secret_hash: `hash-${sessionId}-a`,
            session_id: sessionId,
            user_id: userId,
            created_at: at(10),
            spent_at: at(11),
          },
          {
            id: `token-${sessionId}-b`,
            secret_hash: `hash-${sessionId}-b`,
            session_id: sessionId,
            user_id: userId,
            created_at: at(11),
            spent_at: null,
          },
        ])
        .execute();
    }
    for (let i = 0; i < 3; i++) {
      const noteId = id(++n);
      const tags = i === 0 ? [] : ['work', `tag ${i} 🦊`];
      await k
        .insertInto('notes')
        .values({
          id: noteId,
          user_id: userId,
          title: i === 0 ? AWKWARD : `Note ${i} of user ${u}`,
          body: i === 2 ? 'searchable words '.repeat(2000) : `body with zebra ${u}`,
          tags: JSON.stringify(tags),
          pinned: i === 1,
          archived: i === 2,
          version: i + 1,
          created_at: at(40 + i),
          updated_at: at(50 + i),
        })
        .execute();
      if (tags.length > 0) {
        await k
          .insertInto('note_tags')
          .values(
            tags.map((tag) => ({
              user_id: userId,
              note_id: noteId,
              tag,
              archived: i === 2,
              updated_at: at(50 + i),
            })),
          )
          .execute();
      }
      await k
        .insertInto('todos')
        .values({
          id: id(++n),
          user_id: userId,
          title: i === 0 ? AWKWARD : `Todo ${i}`,
          done: i === 1,
          due_date: i === 2 ? null : '2025-02-28',
          completed_at: i === 1 ? at(60) : null,
          version: 1,
          created_at: at(60 + i),
          updated_at: at(70 + i),
        })
        .execute();
    }
    await k
      .insertInto('events')
      .values([
        {
          id: id(++n),
          user_id: userId,
          type: 'login_succeeded',
          created_at: at(80),
          ip: '198.51.100.1',
          user_agent: 'curl/8',
          session_id: id(n - 1),
          detail: '{}',
        },
        {
          id: id(++n),
          user_id: null,
          type: 'login_failed',
          created_at: at(81),
          ip: '198.51.100.2',
          user_agent: '',
          session_id: null,
          detail: JSON.stringify({ email: `nobody${u}@example.com`, note: AWKWARD }),
        },
      ])
      .execute();
  }
}

/** Every row of every exported table, in key order (by JavaScript string order, on any engine). */
export async function dumpTables(db: Db): Promise<Record<string, Row[]>> {
  const dump: Record<string, Row[]> = {};
  for (const table of TABLES) {
    const columns = fileColumns(table);
    const result =
      await sql<Row>`SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table.name)}`.execute(
        db.kysely,
      );
    const key = (row: Row): string => table.key.map((column) => String(row[column])).join('\u0000');
    dump[table.name] = result.rows
      .map((row) => ({ ...row }))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return dump;
}

export function runJotter(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [JOTTER_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh database of `engine`, open, dropped when the test ends; `env` points the CLI at it. */
export async function freshDatabase(t: TestContext, engine: TestEngine, migrate = true) {
  const database = await createTestDatabase(engine);
  const config = parseConfig({ LOG_LEVEL: 'silent', ...database.env });
  const db = openDatabase(config);
  if (migrate) await migrateToLatest(db);
  t.after(async () => {
    await db.close();
    await database.drop();
  });
  return { db, env: database.env };
}
