// The Admin section of API.md, under /api/v1/admin, for administrators only (403 `forbidden` for
// anyone else). The role is read from the database on each request, not from the access token:
// a demoted or disabled administrator loses access at once, not when their token expires.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../auth/credentials.ts';
import { clientOf } from '../auth/client.ts';
import { recordEvent } from '../events/record.ts';
import { adminEventRoutes } from '../events/routes.ts';
import { AppError } from '../http/errors.ts';
import { cursorCodec } from '../http/cursors.ts';
import {
  AUTHENTICATED,
  IdParams,
  NoContent,
  Page,
  parseLimit,
  ProblemRef,
} from '../http/schemas.ts';
import { findUserById } from '../users/repo.ts';
import { changeAccount, deleteAccount, type ActionEvent } from './accounts.ts';
import { listUsers } from './repo.ts';
import { AccountChangesBody, AdminUserSchema, toAdminUser, UsersQuery } from './schemas.ts';

const tags = ['Admin'];
const errors = { 401: ProblemRef, 403: ProblemRef };

export function adminRoutes(deps: AuthDeps): FastifyPluginAsyncTypebox {
  const { db, auth } = deps;

  async function record(request: FastifyRequest, events: ActionEvent[]): Promise<void> {
    for (const event of events) {
      await recordEvent(db, request.log, {
        ...event,
        sessionId: request.auth.sessionId,
        ...clientOf(request),
      });
    }
  }

  return async function (app) {
    // onRequest, after the scope's authentication: refused before the body is even read.
    app.addHook('onRequest', async (request) => {
      const caller = await findUserById(db.kysely, request.auth.userId);
      if (!caller || caller.role !== 'admin' || caller.disabled) {
        throw new AppError('forbidden', 'This is for administrators only.');
      }
    });

    app.get('/users', {
      schema: {
        operationId: 'listUsers',
        tags,
        summary: 'Every account, newest first; q searches emails and names',
        security: AUTHENTICATED,
        querystring: UsersQuery,
        response: { 200: Page(AdminUserSchema), 400: ProblemRef, ...errors },
      },
      handler: async (request) => {
        const { q, cursor } = request.query;
        const cursors = await cursorCodec(db);
        const scope = {
          list: 'admin:users',
          userId: request.auth.userId,
          filters: JSON.stringify([q ?? '']),
        };
        const after =
          cursor === undefined ? undefined : (cursors.decode(scope, cursor, 2) as [string, string]);
        const limit = parseLimit(request.query.limit);
        const rows = await listUsers(db.kysely, q, after, limit + 1);
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          items: page.map(toAdminUser),
          next_cursor:
            rows.length > limit && last ? cursors.encode(scope, [last.created_at, last.id]) : null,
        };
      },
    });

    app.patch('/users/:id', {
      schema: {
        operationId: 'updateUser',
        tags,
        summary:
          'Disable or enable an account (disabling revokes its sessions), or change its role',
        security: AUTHENTICATED,
        params: IdParams,
        body: AccountChangesBody,
        response: {
          200: AdminUserSchema,
          400: ProblemRef,
          ...errors,
          404: ProblemRef,
          409: ProblemRef,
        },
      },
      handler: async (request) => {
        const { user, events } = await changeAccount(
          db,
          auth,
          request.auth.userId,
          request.params.id,
          request.body,
        );
        await record(request, events);
        return toAdminUser(user);
      },
    });

    app.delete('/users/:id', {
      schema: {
        operationId: 'deleteUser',
        tags,
        summary: 'Delete an account with its sessions, notes and to-dos',
        security: AUTHENTICATED,
        params: IdParams,
        response: { 204: NoContent, ...errors, 404: ProblemRef, 409: ProblemRef },
      },
      handler: async (request, reply) => {
        const event = await deleteAccount(db, auth, request.auth.userId, request.params.id);
        await record(request, [event]);
        return reply.code(204).send(null);
      },
    });

    await app.register(adminEventRoutes(db));
  };
}
