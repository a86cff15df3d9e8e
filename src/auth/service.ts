// The authentication service one app instance runs: keys, token issuing and verification,
// sessions with rotating refresh tokens, revocation, throttles and CSRF tokens, plus the
// housekeeping timers behind them. Routes call it; it never sees HTTP beyond ClientInfo.
import type { FastifyBaseLogger } from 'fastify';
import { newId } from '../db/ids.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Transaction } from 'kysely';
import type { Database, SessionRow, UserRow } from '../db/schema.ts';
import { loadServerSecret } from '../db/secrets.ts';
import { recordEvent } from '../events/record.ts';
import { AppError } from '../http/errors.ts';
import { findUserById } from '../users/repo.ts';
import type { ClientInfo } from './client.ts';
import { CsrfTokens } from './csrf.ts';
import { KeyStore } from './keys.ts';
import { publishRefreshOutcome } from './outcomes.ts';
import { prepareDummyHash } from './passwords.ts';
import { generateRefreshToken, parseRefreshToken, secretMatches } from './refresh-tokens.ts';
import * as repo from './repo.ts';
import { RevocationList } from './revocation.ts';
import { createThrottles, type Throttles } from './throttle.ts';
import { TokenService } from './tokens.ts';

const TOUCH_INTERVAL_MS = 60_000;
const TOUCH_FLUSH_MS = 5_000;
const HOUSEKEEPING_MS = 10 * 60_000;
const KEY_RELOAD_MS = 60_000;

export interface IssuedSession {
  session: SessionRow;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** On PostgreSQL a login's session starts in one statement, judged as the transaction is. */
async function startLoginSessionPostgres(
  ...args: Parameters<typeof repo.startLoginSessionPostgres>
): Promise<SessionRow> {
  const { account, session } = await repo.startLoginSessionPostgres(...args);
  checkCredentials(account, args[3]);
  return session;
}

/** A login's session starts only if the password it verified is still the account's, enabled. */
function checkCredentials(
  now: { password_hash: string; disabled: boolean } | undefined,
  verifiedPasswordHash: string,
): void {
  if (!now || now.password_hash !== verifiedPasswordHash)
    throw new AppError('invalid_credentials', 'The email or password is wrong.');
  if (now.disabled) throw new AppError('account_disabled', 'This account has been disabled.');
}

export class AuthService {
  readonly keys: KeyStore;
  readonly tokens: TokenService;
  readonly revocation: RevocationList;
  readonly throttles: Throttles;
  readonly csrf: CsrfTokens;
  readonly #db: Db;
  readonly #config: Config;
  readonly #log: FastifyBaseLogger;
  readonly #lastTouched = new Map<string, number>();
  readonly #pendingTouches = new Set<string>();
  readonly #timers: NodeJS.Timeout[] = [];

  private constructor(
    db: Db,
    config: Config,
    log: FastifyBaseLogger,
    parts: { keys: KeyStore; csrf: CsrfTokens; throttles: Throttles },
  ) {
    this.#db = db;
    this.#config = config;
    this.#log = log;
    this.keys = parts.keys;
    this.csrf = parts.csrf;
    this.throttles = parts.throttles;
    this.tokens = new TokenService(parts.keys, {
      issuer: config.publicUrl,
      accessTokenTtl: config.accessTokenTtl,
    });
    this.revocation = new RevocationList(db, config.accessTokenTtl, log);
  }

  static async start(
    db: Db,
    config: Config,
    log: FastifyBaseLogger,
    options: { throttleKeyPrefix?: string } = {},
  ): Promise<AuthService> {
    const keys = await KeyStore.open(db, {
      accessTokenTtl: config.accessTokenTtl,
      keyEncryptionSecret: config.keyEncryptionSecret,
    });
    const csrf = new CsrfTokens(await loadServerSecret(db, 'csrf'));
    const throttles = await createThrottles(config, { keyPrefix: options.throttleKeyPrefix });
    const service = new AuthService(db, config, log, { keys, csrf, throttles });
    await service.revocation.start();
    await prepareDummyHash();
    await service.housekeeping();
    service.#every(TOUCH_FLUSH_MS, () => service.#flushTouches());
    service.#every(KEY_RELOAD_MS, () => keys.reload());
    service.#every(HOUSEKEEPING_MS, () => service.housekeeping());
    return service;
  }

  #every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) =>
        this.#log.warn({ err: error }, 'auth background task failed'),
      );
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Removes expired sessions, forgotten revocations and retired keys. */
  async housekeeping(): Promise<void> {
    await repo.deleteExpiredSessions(this.#db.kysely);
    await this.revocation.prune();
    await this.keys.purgeRetired();
  }

  /**
   * Starts a session (a login or registration) and issues its first token pair. A login passes
   * the password hash it verified: if the password was changed or the account deleted or disabled
   * while the hash was being checked, no session starts (the login fails as it would a moment
   * later), so a password change can never leave behind a session opened with the old password.
   */
  async startSession(
    user: UserRow,
    client: ClientInfo,
    verifiedPasswordHash?: string,
  ): Promise<IssuedSession> {
    const refresh = generateRefreshToken();
    const expiresAt = new Date(Date.now() + this.#config.refreshTokenTtl * 1000).toISOString();
    const row = {
      id: newId(),
      userId: user.id,
      userAgent: client.userAgent,
      ip: client.ip,
      expiresAt,
    };
    const token = {
      id: refresh.id,
      secretHash: refresh.secretHash,
      sessionId: row.id,
      userId: user.id,
    };
    const pool = this.#db.pool;
    const session =
      verifiedPasswordHash !== undefined && pool !== undefined
        ? await startLoginSessionPostgres(pool, row, token, verifiedPasswordHash)
        : await this.#db.kysely.transaction().execute(async (trx) => {
            if (verifiedPasswordHash !== undefined) {
              const now = await repo.lockUserCredentials(trx, this.#db.engine, user.id);
              checkCredentials(now, verifiedPasswordHash);
            }
            const inserted = await repo.insertSession(trx, row);
            await repo.insertRefreshToken(trx, token);
            return inserted;
          });
    const access = await this.tokens.issue({
      userId: user.id,
      sessionId: session.id,
      role: user.role,
    });
    this.#lastTouched.set(session.id, Date.now());
    return {
      session,
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresIn: access.expiresIn,
    };
  }

  /**
   * Exchanges a refresh token for a new pair. A token already exchanged is answered again within
   * the reuse grace (tabs refreshing together); later, it is treated as stolen and the whole
   * session is revoked. `checkCsrf` runs once the token is known to be genuine (cookie mode).
   */
  async refresh(
    presented: string,
    client: ClientInfo,
    checkCsrf?: (sessionId: string) => void,
  ): Promise<IssuedSession> {
    const parsed = parseRefreshToken(presented);
    const row = parsed && (await repo.findRefreshToken(this.#db.kysely, parsed.id));
    const now = Date.now();
    if (
      !parsed ||
      !row ||
      !secretMatches(parsed.secret, row.secret_hash) ||
      Date.parse(row.expires_at) <= now ||
      this.revocation.isRevoked(row.session_id)
    ) {
      publishRefreshOutcome('invalid');
      throw new AppError('invalid_refresh_token', 'The refresh token is not valid.');
    }
    checkCsrf?.(row.session_id);
    const user = await findUserById(this.#db.kysely, row.user_id);
    if (!user || user.disabled) {
      publishRefreshOutcome('invalid');
      throw new AppError('invalid_refresh_token', 'The refresh token is not valid.');
    }

    let outcome: 'rotated' | 'grace' = 'rotated';
    if (!(
      row.spent_at === null &&
      (await repo.spendRefreshToken(this.#db.kysely, row.id, new Date(now).toISOString()))
    )) {
      const spentAt =
        row.spent_at ?? (await repo.findRefreshToken(this.#db.kysely, row.id))?.spent_at;
      if (!spentAt) {
        // The token is gone, not reused: its session ended meanwhile (a logout, a password
        // change or a revocation won the race).
        publishRefreshOutcome('invalid');
        throw new AppError('invalid_refresh_token', 'The refresh token is not valid.');
      }
      if (now - Date.parse(spentAt) > this.#config.refreshReuseGrace * 1000) {
        await this.revokeSessions(user.id, [row.session_id]);
        await recordEvent(this.#db, this.#log, {
          type: 'refresh_reused',
          userId: user.id,
          sessionId: row.session_id,
          ip: client.ip,
          userAgent: client.userAgent,
        });
        publishRefreshOutcome('reused');
        throw new AppError(
          'refresh_token_reused',
          'This refresh token was already used; the session has been revoked.',
        );
      }
      outcome = 'grace';
    }

    const next = generateRefreshToken();
    try {
      await repo.insertRefreshToken(this.#db.kysely, {
        id: next.id,
        secretHash: next.secretHash,
        sessionId: row.session_id,
        userId: user.id,
      });
    } catch {
      // The session was deleted meanwhile (a logout or reuse revocation won the race).
      publishRefreshOutcome('invalid');
      throw new AppError('invalid_refresh_token', 'The refresh token is not valid.');
    }
    const access = await this.tokens.issue({
      userId: user.id,
      sessionId: row.session_id,
      role: user.role,
    });
    const session = await repo.findLiveSession(this.#db.kysely, row.session_id);
    if (!session || this.revocation.isRevoked(row.session_id)) {
      // Ended between the rotation and now: what was just issued dies with it.
      publishRefreshOutcome('invalid');
      throw new AppError('invalid_refresh_token', 'The refresh token is not valid.');
    }
    this.touch(row.session_id);
    publishRefreshOutcome(outcome);
    return {
      session,
      accessToken: access.token,
      refreshToken: next.token,
      expiresIn: access.expiresIn,
    };
  }

  /** Revokes sessions of one user: gone from the table, refused by every instance at once. */
  async revokeSessions(userId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.#db.kysely.transaction().execute(async (trx) => {
      await this.#revokeIn(trx, userId, sessionIds);
    });
  }

  async #revokeIn(trx: Transaction<Database>, userId: string, sessionIds: string[]) {
    if (sessionIds.length === 0) return;
    await this.revocation.revoke(
      trx,
      sessionIds.map((sessionId) => ({ sessionId, userId })),
    );
    await repo.deleteSessions(trx, sessionIds);
  }

  /**
   * Revokes every session of the user but `exceptSessionId`; returns the revoked ids. With
   * `trx`, inside the caller's transaction (after it changed what the sessions were opened with,
   * so that a login racing the change either is listed here or sees the change).
   */
  async revokeAllSessions(
    userId: string,
    exceptSessionId?: string,
    trx?: Transaction<Database>,
  ): Promise<string[]> {
    const revokeAll = async (inside: Transaction<Database>) => {
      const ids = (await repo.sessionIdsOfUser(inside, userId)).filter(
        (id) => id !== exceptSessionId,
      );
      await this.#revokeIn(inside, userId, ids);
      return ids;
    };
    return trx ? revokeAll(trx) : this.#db.kysely.transaction().execute(revokeAll);
  }

  /** Notes that a session was used; written at most once a minute per session, in batches. */
  touch(sessionId: string): void {
    const now = Date.now();
    const last = this.#lastTouched.get(sessionId);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
    if (this.#lastTouched.size > 100_000) this.#lastTouched.clear();
    this.#lastTouched.set(sessionId, now);
    this.#pendingTouches.add(sessionId);
  }

  async #flushTouches(): Promise<void> {
    if (this.#pendingTouches.size === 0) return;
    const ids = [...this.#pendingTouches];
    this.#pendingTouches.clear();
    await repo.touchSessions(this.#db.kysely, ids, new Date().toISOString());
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await this.#flushTouches().catch(() => {});
    await this.revocation.close();
    await this.throttles.close();
  }
}
