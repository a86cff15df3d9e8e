// The authentication hook of every protected route (an onRequest hook, so it runs before the body
// is read: 401 and 403 come before 415, 413 and 400, as API.md orders them).
// - A request with an Authorization header is judged by that header alone: `Bearer <jwt>`, any
//   other scheme or an empty token is `invalid_token`.
// - Otherwise the `jotter_access` cookie; unsafe methods then need the session's CSRF token.
// - Tokens in the query string are never looked at.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import { ACCESS_COOKIE } from './cookies.ts';
import type { AuthService } from './service.ts';
import type { AccessClaims } from './tokens.ts';

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthenticateHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
) => void;

export function createAuthenticate(auth: AuthService): AuthenticateHook {
  /** Checks what the claims allow and records who is calling; throws an AppError if refused. */
  function admit(request: FastifyRequest, claims: AccessClaims, via: 'bearer' | 'cookie'): void {
    if (auth.revocation.isRevoked(claims.sessionId)) {
      throw new AppError('invalid_token', 'The session of this token has ended.');
    }
    if (
      via === 'cookie' &&
      !SAFE_METHODS.has(request.method) &&
      !auth.csrf.isValid(claims.sessionId, request.headers['x-csrf-token'])
    ) {
      throw new AppError(
        'csrf_failed',
        'Send the X-CSRF-Token header with the value of the jotter_csrf cookie.',
      );
    }
    request.auth = { userId: claims.userId, sessionId: claims.sessionId, role: claims.role, via };
    auth.touch(claims.sessionId);
  }

  // A callback hook rather than an async one: a token verified before (nearly every request)
  // is admitted without a promise or a microtask turn.
  return function authenticate(request, _reply, done) {
    let token: string | undefined;
    let via: 'bearer' | 'cookie';
    let claims: AccessClaims | undefined;
    try {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = BEARER.exec(header);
        if (!match)
          throw new AppError('invalid_token', 'Send Authorization: Bearer <access token>.');
        token = match[1];
        via = 'bearer';
      } else {
        token = request.cookies[ACCESS_COOKIE];
        via = 'cookie';
      }
      if (!token) throw new AppError('unauthenticated', 'Log in to use this resource.');
      claims = auth.tokens.verifiedBefore(token);
      if (claims !== undefined) admit(request, claims, via);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (claims !== undefined) {
      done();
      return;
    }
    auth.tokens.verify(token).then(
      (verified) => {
        try {
          admit(request, verified, via);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      },
      (error: unknown) => done(error as Error),
    );
  };
}
