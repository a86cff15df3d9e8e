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

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthenticateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function createAuthenticate(auth: AuthService): AuthenticateHook {
  return async function authenticate(request) {
    const header = request.headers.authorization;
    let token: string | undefined;
    let via: 'bearer' | 'cookie';
    if (header !== undefined) {
      const match = BEARER.exec(header);
      if (!match) throw new AppError('invalid_token', 'Send Authorization: Bearer <access token>.');
      token = match[1];
      via = 'bearer';
    } else {
      token = request.cookies[ACCESS_COOKIE];
      via = 'cookie';
    }
    if (!token) throw new AppError('unauthenticated', 'Log in to use this resource.');
    const claims = await auth.tokens.verify(token);
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
  };
}
