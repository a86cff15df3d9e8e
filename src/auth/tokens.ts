// Access tokens: short-lived JWTs signed with our Ed25519 key, verified with nothing but our own
// algorithm and published keys. Header tricks (`alg: none`, HMAC with the public key as secret,
// embedded `jwk`, remote `jku`/`x5u`, unknown `kid`) all fail as `invalid_token`.
//
// Verifying a signature costs ~100 µs; a client sends the same token many times, so verified
// tokens are cached until they expire. The cache stores verified claims only: revocation is
// checked on the claims (`sid`) for every request, cached or not.
import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import { AppError } from '../http/errors.ts';
import type { Role } from '../http/auth-context.ts';
import { SIGNING_ALGORITHM, type KeyStore } from './keys.ts';

export const AUDIENCE = 'jotter';
const CACHE_LIMIT = 10_000;
/**
 * Seconds of clock skew allowed between instances. A cached verification honours the same
 * margin, so a token expires at the same moment whether it was seen before or not.
 */
const CLOCK_TOLERANCE_SECONDS = 5;
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
  /** Expiry in epoch milliseconds. */
  expiresAt: number;
}

export interface TokenServiceOptions {
  issuer: string;
  accessTokenTtl: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

function invalid(detail: string): AppError {
  return new AppError('invalid_token', detail);
}

export class TokenService {
  readonly #keys: KeyStore;
  readonly #options: TokenServiceOptions;
  readonly #cache = new Map<string, AccessClaims>();

  constructor(keys: KeyStore, options: TokenServiceOptions) {
    this.#keys = keys;
    this.#options = options;
  }

  /** Signs a token for the session: `exp` is `iat + ACCESS_TOKEN_TTL`, as API.md fixes it. */
  async issue(subject: {
    userId: string;
    sessionId: string;
    role: Role;
  }): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + this.#options.accessTokenTtl;
    const key = this.#keys.signingKey;
    const token = await new SignJWT({ sid: subject.sessionId, role: subject.role })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.#options.issuer)
      .setAudience(AUDIENCE)
      .setSubject(subject.userId)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresIn: expiresAt - now };
  }

  /**
   * The claims of a token this instance has verified before and that has not expired since;
   * undefined for a token not seen (or no longer cached): `verify` it. Throws `token_expired`.
   */
  verifiedBefore(token: string): AccessClaims | undefined {
    const cached = this.#cache.get(token);
    if (cached === undefined) return undefined;
    if (Date.now() < cached.expiresAt + CLOCK_TOLERANCE_SECONDS * 1000) return cached;
    this.#cache.delete(token);
    throw new AppError('token_expired', 'The access token has expired.');
  }

  /** Verifies signature and claims; throws `invalid_token` or `token_expired`. */
  async verify(token: string): Promise<AccessClaims> {
    const cached = this.verifiedBefore(token);
    if (cached !== undefined) return cached;
    const claims = await this.#verifyUncached(token);
    if (this.#cache.size >= CACHE_LIMIT) {
      // Maps iterate in insertion order: drop the oldest entry.
      this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(token, claims);
    return claims;
  }

  async #verifyUncached(token: string): Promise<AccessClaims> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid('The access token is malformed.');
    }
    if (header.alg !== SIGNING_ALGORITHM) throw invalid('The token algorithm is not accepted.');
    if (FORBIDDEN_HEADERS.some((name) => name in header))
      throw invalid('Embedded or remote keys are not accepted.');
    if (typeof header.kid !== 'string') throw invalid('The token names no key.');
    let key = this.#keys.publicKey(header.kid);
    if (!key && (await this.#keys.reloadForUnknownKid())) key = this.#keys.publicKey(header.kid);
    if (!key) throw invalid('The token was signed by an unknown key.');

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.#options.issuer,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'sid', 'iat', 'exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new AppError('token_expired', 'The access token has expired.');
      throw invalid('The access token is not valid.');
    }
    const { sub, sid, role, iat, exp } = payload as JWTPayload & { sid?: unknown; role?: unknown };
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      (role !== 'user' && role !== 'admin')
    ) {
      throw invalid('The access token claims are not valid.');
    }
    if (typeof iat !== 'number' || iat * 1000 > Date.now() + 5_000)
      throw invalid('The token was issued in the future.');
    return { userId: sub, sessionId: sid, role, expiresAt: exp! * 1000 };
  }
}
