// Refresh, logout and the session list.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { recordEvent } from '../events/record.ts';
import { AppError } from '../http/errors.ts';
import { isId } from '../db/ids.ts';
import { clientOf } from './client.ts';
import { clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from './cookies.ts';
import type { AuthDeps } from './credentials.ts';
import { findOwnedLiveSession, listLiveSessions } from './repo.ts';
import type { LogoutBody, RefreshBody, Session } from './schemas.ts';

export function refreshHandler(deps: AuthDeps) {
  return async function refresh(
    request: FastifyRequest<{ Body: Static<typeof RefreshBody> }>,
    reply: FastifyReply,
  ) {
    const client = clientOf(request);
    await deps.auth.throttles.countRefresh(client.ip);
    const fromBody = request.body.refresh_token;
    if (fromBody !== undefined) {
      const issued = await deps.auth.refresh(fromBody, client);
      return {
        access_token: issued.accessToken,
        refresh_token: issued.refreshToken,
        token_type: 'Bearer' as const,
        expires_in: issued.expiresIn,
      };
    }
    const fromCookie = request.cookies[REFRESH_COOKIE];
    if (!fromCookie)
      throw new AppError(
        'invalid_refresh_token',
        'Send a refresh token in the body or the refresh cookie.',
      );
    try {
      const issued = await deps.auth.refresh(fromCookie, client, (sessionId) => {
        if (!deps.auth.csrf.isValid(sessionId, request.headers['x-csrf-token'])) {
          throw new AppError(
            'csrf_failed',
            'Send the X-CSRF-Token header with the value of the jotter_csrf cookie.',
          );
        }
      });
      const csrfToken = deps.auth.csrf.tokenFor(issued.session.id);
      setSessionCookies(reply, deps.config, {
        ...issued,
        csrfToken,
        expiresAt: issued.session.expires_at,
      });
      return { csrf_token: csrfToken, expires_in: issued.expiresIn };
    } catch (error) {
      // A dead refresh cookie is of no further use to the browser.
      if (error instanceof AppError && error.status === 401)
        clearSessionCookies(reply, deps.config);
      throw error;
    }
  };
}

export function logoutHandler(deps: AuthDeps) {
  return async function logout(
    request: FastifyRequest<{ Body: Static<typeof LogoutBody> }>,
    reply: FastifyReply,
  ) {
    const { userId, sessionId, via } = request.auth;
    const scope = request.body.scope ?? 'session';
    let revoked: string[];
    if (scope === 'session') {
      await deps.auth.revokeSessions(userId, [sessionId]);
      revoked = [sessionId];
    } else {
      revoked = await deps.auth.revokeAllSessions(
        userId,
        scope === 'others' ? sessionId : undefined,
      );
    }
    if (revoked.length > 0) {
      await recordEvent(deps.db, request.log, {
        type: 'session_revoked',
        userId,
        sessionId,
        ...clientOf(request),
        detail: { reason: 'logout', scope, sessions: revoked.length },
      });
    }
    if (via === 'cookie' && scope !== 'others') clearSessionCookies(reply, deps.config);
    return reply.code(204).send();
  };
}

export function listSessionsHandler(deps: AuthDeps) {
  return async function listSessions(request: FastifyRequest) {
    const { userId, sessionId } = request.auth;
    const rows = await listLiveSessions(deps.db.kysely, userId);
    const items: Session[] = rows
      .filter((row) => !deps.auth.revocation.isRevoked(row.id))
      .map((row) => ({
        id: row.id,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at,
        user_agent: row.user_agent,
        ip: row.ip,
        current: row.id === sessionId,
      }));
    return { items };
  };
}

export function deleteSessionHandler(deps: AuthDeps) {
  return async function deleteSession(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
  ) {
    const { userId, sessionId, via } = request.auth;
    const target = request.params.id;
    const owned = isId(target) && (await findOwnedLiveSession(deps.db.kysely, userId, target));
    if (!owned || deps.auth.revocation.isRevoked(target))
      throw new AppError('not_found', 'No such session.');
    await deps.auth.revokeSessions(userId, [target]);
    await recordEvent(deps.db, request.log, {
      type: 'session_revoked',
      userId,
      sessionId,
      ...clientOf(request),
      detail: { reason: 'deleted', session: target },
    });
    if (target === sessionId && via === 'cookie') clearSessionCookies(reply, deps.config);
    return reply.code(204).send();
  };
}
