// The three cookies of cookie mode (API.md, Authentication). The refresh cookie is scoped to the
// auth path, so no other route ever receives it; the CSRF cookie is the only one scripts can read.
import type { FastifyReply } from 'fastify';
import type { Config } from '../config.ts';

export const ACCESS_COOKIE = 'jotter_access';
export const REFRESH_COOKIE = 'jotter_refresh';
export const CSRF_COOKIE = 'jotter_csrf';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export interface CookieSession {
  accessToken: string;
  refreshToken: string;
  csrfToken: string;
  /** The session's end: the cookies go with it. */
  expiresAt: string;
}

export function setSessionCookies(
  reply: FastifyReply,
  config: Config,
  session: CookieSession,
): void {
  const maxAge = Math.max(1, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000));
  const secure = config.isHttps;
  reply.setCookie(ACCESS_COOKIE, session.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
    maxAge,
  });
  reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure,
    maxAge,
  });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, {
    httpOnly: false,
    sameSite: 'strict',
    path: '/',
    secure,
    maxAge,
  });
}

export function clearSessionCookies(reply: FastifyReply, config: Config): void {
  const secure = config.isHttps;
  reply.clearCookie(ACCESS_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure });
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure,
  });
  reply.clearCookie(CSRF_COOKIE, { httpOnly: false, sameSite: 'strict', path: '/', secure });
}
