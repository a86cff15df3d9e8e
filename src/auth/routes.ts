// The Auth section of API.md: the route table. Handlers live beside it (credentials.ts,
// session-routes.ts); public routes are register, login, refresh and the JWKS, the rest add the
// authentication hook.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AUTHENTICATED, ID_PATH, IdParams, NoContent } from '../http/schemas.ts';
import type { AuthenticateHook } from './authenticate.ts';
import { loginHandler, registerHandler, type AuthDeps } from './credentials.ts';
import {
  CookieLogin,
  CookieRefresh,
  JwksSchema,
  LoginBody,
  LogoutBody,
  RefreshBody,
  RegisterBody,
  SessionSchema,
  TokenLogin,
  TokenPair,
} from './schemas.ts';
import {
  deleteSessionHandler,
  listSessionsHandler,
  logoutHandler,
  refreshHandler,
} from './session-routes.ts';

const tags = ['Auth'];

export function authRoutes(
  deps: AuthDeps & { authenticate: AuthenticateHook },
): FastifyPluginAsyncTypebox {
  return async function (app) {
    app.post('/register', {
      schema: {
        operationId: 'register',
        tags,
        summary: 'Create an account and start a session',
        body: RegisterBody,
        response: { 201: Type.Union([TokenLogin, CookieLogin]) },
      },
      handler: registerHandler(deps),
    });
    app.post('/login', {
      schema: {
        operationId: 'login',
        tags,
        summary: 'Log in with email and password',
        body: LoginBody,
        response: { 200: Type.Union([TokenLogin, CookieLogin]) },
      },
      handler: loginHandler(deps),
    });
    app.post('/refresh', {
      schema: {
        operationId: 'refresh',
        tags,
        summary: 'Exchange a refresh token for a new token pair (rotation)',
        description:
          'Token mode: refresh_token in the body. Cookie mode: the refresh cookie plus X-CSRF-Token.',
        body: RefreshBody,
        response: { 200: Type.Union([TokenPair, CookieRefresh]) },
      },
      handler: refreshHandler(deps),
    });
    app.post('/logout', {
      onRequest: deps.authenticate,
      schema: {
        operationId: 'logout',
        tags,
        summary: 'End this session, the others, or all',
        security: AUTHENTICATED,
        body: LogoutBody,
        response: { 204: NoContent },
      },
      handler: logoutHandler(deps),
    });
    app.get('/sessions', {
      onRequest: deps.authenticate,
      schema: {
        operationId: 'listSessions',
        tags,
        summary: "The caller's live sessions, newest first",
        security: AUTHENTICATED,
        response: { 200: Type.Object({ items: Type.Array(SessionSchema) }) },
      },
      handler: listSessionsHandler(deps),
    });
    app.delete(`/sessions${ID_PATH}`, {
      onRequest: deps.authenticate,
      schema: {
        operationId: 'deleteSession',
        tags,
        summary: 'Revoke one of your sessions',
        security: AUTHENTICATED,
        params: IdParams,
        response: { 204: NoContent },
      },
      handler: deleteSessionHandler(deps),
    });
  };
}

export function jwksRoutes(deps: AuthDeps): FastifyPluginAsyncTypebox {
  return async function (app) {
    app.get('/.well-known/jwks.json', {
      schema: {
        operationId: 'jwks',
        tags,
        summary: 'Public keys that verify access tokens (JWK Set)',
        response: { 200: JwksSchema },
      },
      handler: (_request, reply) => {
        // Short caching: a rotated-in key must reach verifiers quickly.
        reply.header('cache-control', 'public, max-age=60');
        return deps.auth.keys.jwks();
      },
    });
  };
}
