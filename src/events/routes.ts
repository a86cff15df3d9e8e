// The security events of API.md: `GET /users/me/events` (the caller's own account) and
// `GET /admin/events` (every account, admins only; registered by the admin routes), newest first,
// with cursors bound to the list, the caller and the filters.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/connect.ts';
import type { EventRow } from '../db/schema.ts';
import { cursorCodec, type CursorScope } from '../http/cursors.ts';
import {
  AUTHENTICATED,
  CursorQuery,
  LimitQuery,
  Page,
  parseLimit,
  ProblemRef,
  Text,
} from '../http/schemas.ts';
import { listEvents, type EventFilter } from './repo.ts';
import {
  AdminEventSchema,
  EventSchema,
  EventTypeSchema,
  toAdminEvent,
  toOwnEvent,
} from './schemas.ts';

const tags = ['Security events'];

export const EventsQuery = Type.Object({
  limit: Type.Optional(LimitQuery),
  cursor: Type.Optional(CursorQuery),
  type: Type.Optional(EventTypeSchema),
});

export const AdminEventsQuery = Type.Object({
  ...EventsQuery.properties,
  user_id: Type.Optional(Text({ maxLength: 64, description: 'Only the events of this account' })),
});

/** One page of events and the cursor of the next, bound to `scope`. */
export async function eventPage<T>(
  db: Db,
  scope: CursorScope,
  filter: EventFilter,
  query: { limit?: string; cursor?: string },
  present: (row: EventRow) => T,
): Promise<{ items: T[]; next_cursor: string | null }> {
  const cursors = await cursorCodec(db);
  const [before] = query.cursor === undefined ? [] : cursors.decode(scope, query.cursor, 1);
  const limit = parseLimit(query.limit);
  const rows = await listEvents(db.kysely, filter, before, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(present),
    next_cursor: rows.length > limit && last ? cursors.encode(scope, [last.id]) : null,
  };
}

/** Registers `GET /users/me/events` (in the authenticated scope). */
export function ownEventRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async function (app) {
    app.get('/users/me/events', {
      schema: {
        operationId: 'listMyEvents',
        tags,
        summary: 'Security events on your account, newest first',
        security: AUTHENTICATED,
        querystring: EventsQuery,
        response: { 200: Page(EventSchema), 400: ProblemRef, 401: ProblemRef },
      },
      handler: async (request) => {
        const { userId } = request.auth;
        const { type } = request.query;
        const scope = { list: 'events:own', userId, filters: JSON.stringify([type ?? null]) };
        return eventPage(db, scope, { userId, type }, request.query, toOwnEvent);
      },
    });
  };
}

/** Registers `GET /events` (in the admin scope, so `/api/v1/admin/events`). */
export function adminEventRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async function (app) {
    app.get('/events', {
      schema: {
        operationId: 'listAllEvents',
        tags: ['Admin'],
        summary: 'Security events of every account, newest first (admins only)',
        security: AUTHENTICATED,
        querystring: AdminEventsQuery,
        response: {
          200: Page(AdminEventSchema),
          400: ProblemRef,
          401: ProblemRef,
          403: ProblemRef,
        },
      },
      handler: async (request) => {
        const { type, user_id: userId } = request.query;
        const scope = {
          list: 'events:admin',
          userId: request.auth.userId,
          filters: JSON.stringify([type ?? null, userId ?? null]),
        };
        return eventPage(db, scope, { userId, type }, request.query, toAdminEvent);
      },
    });
  };
}
