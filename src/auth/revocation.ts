// Instant revocation without a database read per request. Each instance keeps the ids of revoked
// sessions in memory until every access token of those sessions has expired. A revocation is
// written to `revoked_sessions` (so an instance that starts later knows it too), announced to the
// other workers of this machine through the cluster primary, and, on PostgreSQL, announced with
// NOTIFY in the same transaction: other instances hear it at commit, within milliseconds. If the listening connection drops, the instance reconnects and reloads
// the table, so nothing announced while it was away is missed.
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import { announceRevocations, onRevocations } from '../cluster/messages.ts';

export const REVOCATION_CHANNEL = 'jotter_revocations';
/** Clock skew allowed between instances before a revocation is forgotten. */
const EXPIRY_MARGIN_MS = 60_000;

export interface RevokedSession {
  sessionId: string;
  userId: string;
}

export class RevocationList {
  readonly #db: Db;
  readonly #accessTokenTtlMs: number;
  readonly #log: FastifyBaseLogger;
  readonly #revoked = new Map<string, number>();
  #listener: pg.Client | undefined;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #stopHearingWorkers: () => void = () => {};

  constructor(db: Db, accessTokenTtl: number, log: FastifyBaseLogger) {
    this.#db = db;
    this.#accessTokenTtlMs = accessTokenTtl * 1000;
    this.#log = log;
  }

  isRevoked(sessionId: string): boolean {
    const until = this.#revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.#revoked.delete(sessionId);
    return false;
  }

  /** Loads what is revoked now and, on PostgreSQL, starts listening for what comes next. */
  async start(): Promise<void> {
    this.#stopHearingWorkers = onRevocations((sessions) => {
      for (const [sessionId, until] of sessions) this.#revoked.set(sessionId, until);
    });
    await this.#reload();
    if (this.#db.engine === 'postgres') await this.#listen();
  }

  async #reload(): Promise<void> {
    const now = new Date().toISOString();
    const rows = await this.#db.kysely
      .selectFrom('revoked_sessions')
      .select(['session_id', 'expires_at'])
      .where('expires_at', '>', now)
      .execute();
    for (const row of rows) this.#revoked.set(row.session_id, Date.parse(row.expires_at));
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString() });
    client.on('notification', (message) => {
      if (message.channel !== REVOCATION_CHANNEL || !message.payload) return;
      const [sessionId, until] = message.payload.split(' ');
      if (sessionId && until) this.#revoked.set(sessionId, Number(until));
    });
    client.on('error', (error) => {
      this.#log.warn({ err: error }, 'revocation listener lost its connection; reconnecting');
      this.#scheduleReconnect(client);
    });
    client.on('end', () => this.#scheduleReconnect(client));
    await client.connect();
    await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
    this.#listener = client;
  }

  #connectionString(): string {
    const options = this.#db.pool?.options as { connectionString?: string } | undefined;
    if (!options?.connectionString) throw new Error('PostgreSQL pool without a connection string');
    return options.connectionString;
  }

  #scheduleReconnect(client: pg.Client): void {
    if (this.#closed || this.#listener !== client || this.#reconnectTimer) return;
    this.#listener = undefined;
    client.end().catch(() => {});
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#listen()
        .then(() => this.#reload())
        .catch((error: unknown) => {
          this.#log.warn({ err: error }, 'revocation listener could not reconnect; retrying');
          this.#listener = undefined;
          this.#scheduleReconnectSoon();
        });
    }, 500);
  }

  #scheduleReconnectSoon(): void {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#listen()
        .then(() => this.#reload())
        .catch(() => this.#scheduleReconnectSoon());
    }, 1000);
  }

  /**
   * Revokes sessions inside the caller's transaction: tombstones are written and announced; this
   * instance stops accepting the tokens at once (before commit, which only errs on the safe side).
   */
  async revoke(
    trx: Transaction<Database> | Kysely<Database>,
    sessions: RevokedSession[],
  ): Promise<void> {
    if (sessions.length === 0) return;
    const now = Date.now();
    const until = now + this.#accessTokenTtlMs + EXPIRY_MARGIN_MS;
    const revokedAt = new Date(now).toISOString();
    const expiresAt = new Date(until).toISOString();
    for (const session of sessions) this.#revoked.set(session.sessionId, until);
    announceRevocations(sessions.map((session) => [session.sessionId, until]));
    await trx
      .insertInto('revoked_sessions')
      .values(
        sessions.map((session) => ({
          session_id: session.sessionId,
          user_id: session.userId,
          revoked_at: revokedAt,
          expires_at: expiresAt,
        })),
      )
      .onConflict((conflict) => conflict.column('session_id').doNothing())
      .execute();
    if (this.#db.engine === 'postgres') {
      for (const session of sessions) {
        await sql`SELECT pg_notify(${REVOCATION_CHANNEL}, ${`${session.sessionId} ${until}`})`.execute(
          trx,
        );
      }
    }
  }

  /** Forgets revocations whose tokens have all expired, here and in the table. */
  async prune(): Promise<void> {
    const now = Date.now();
    for (const [sessionId, until] of this.#revoked)
      if (until <= now) this.#revoked.delete(sessionId);
    await this.#db.kysely
      .deleteFrom('revoked_sessions')
      .where('expires_at', '<=', new Date(now).toISOString())
      .execute();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopHearingWorkers();
    clearTimeout(this.#reconnectTimer);
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
  }
}
