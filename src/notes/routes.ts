// /api/v1/notes: the caller's own notes (API.md, "Notes"). Registered inside the authenticated
// scope, so `request.auth.userId` is set; every repository call is scoped by it, and a note
// that is someone else's, deleted or malformed is 404 alike. Writes honour If-Match (412 on a
// stale version) and answers carry the version as ETag.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseSearch } from '../db/full-text.ts';
import { cursorCodec, type CursorScope } from '../http/cursors.ts';
import { AppError } from '../http/errors.ts';
import { etagOf, versionsFromIfMatch } from '../http/preconditions.ts';
import {
  AUTHENTICATED,
  ID_PATH,
  IdParams,
  NoContent,
  parseLimit,
  ProblemRef,
} from '../http/schemas.ts';
import { noteRepo, type NoteFilters, type NotePosition } from './repo.ts';
import {
  NoteCreateBody,
  NoteListQuery,
  NotePage,
  NotePatchBody,
  NoteSchema,
  type Note,
} from './schemas.ts';

const TAGS = ['Notes'];
const JSON_TYPE = 'application/json; charset=utf-8';

function noSuchNote(): AppError {
  return new AppError('not_found', 'No such note.');
}

function staleVersion(): AppError {
  return new AppError('version_conflict', 'The note has changed since that version.');
}

/** What a cursor is bound to besides the user: the filters, as one canonical string. */
function filterKey(filters: NoteFilters): string {
  return JSON.stringify([
    filters.archived,
    filters.pinned ?? null,
    filters.tag ?? null,
    filters.search,
  ]);
}

function parseBoolean(value: 'true' | 'false' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}

export async function noteRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const notes = noteRepo(app.db);
  const locationOf = (note: Note): string => `${app.prefix}/${note.id}`;

  routes.get(
    '/',
    {
      prefixTrailingSlash: 'no-slash',
      schema: {
        operationId: 'listNotes',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'List notes, newest change first',
        querystring: NoteListQuery,
        response: { 200: NotePage, 400: ProblemRef, 401: ProblemRef },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const userId = request.auth.userId;
      const filters: NoteFilters = {
        archived: query.archived === 'true',
        pinned: parseBoolean(query.pinned),
        tag: query.tag,
        search: query.q === undefined ? [] : parseSearch(query.q),
      };
      const scope: CursorScope = { list: 'notes', userId, filters: filterKey(filters) };
      const cursors = await cursorCodec(app.db);
      const after =
        query.cursor === undefined
          ? undefined
          : (cursors.decode(scope, query.cursor, 2) as NotePosition);
      const limit = parseLimit(query.limit);
      if (filters.search.length === 0) {
        // The database wrote the items; the page around them is written here, as the response
        // schema would (a string payload with a JSON type is sent as it is, never re-serialized).
        const page = await notes.listJson(userId, filters, limit, after);
        const next = page.next === null ? 'null' : JSON.stringify(cursors.encode(scope, page.next));
        return reply
          .header('content-type', JSON_TYPE)
          .send(`{"items":${page.items},"next_cursor":${next}}`);
      }
      const page = await notes.list(userId, filters, limit, after);
      return {
        items: page.notes,
        next_cursor: page.next === null ? null : cursors.encode(scope, page.next),
      };
    },
  );

  routes.post(
    '/',
    {
      prefixTrailingSlash: 'no-slash',
      schema: {
        operationId: 'createNote',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Create a note',
        body: NoteCreateBody,
        response: { 201: NoteSchema, 400: ProblemRef, 401: ProblemRef },
      },
    },
    async (request, reply) => {
      const note = await notes.create(request.auth.userId, request.body);
      void reply
        .code(201)
        .header('location', locationOf(note))
        .header('etag', etagOf(note.version));
      return note;
    },
  );

  routes.get(
    ID_PATH,
    {
      schema: {
        operationId: 'getNote',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Read a note',
        params: IdParams,
        response: { 200: NoteSchema, 401: ProblemRef, 404: ProblemRef },
      },
    },
    async (request, reply) => {
      const note = await notes.get(request.auth.userId, request.params.id);
      if (note === null) throw noSuchNote();
      void reply.header('etag', etagOf(note.version));
      return note;
    },
  );

  routes.patch(
    ID_PATH,
    {
      schema: {
        operationId: 'updateNote',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Change a note (If-Match: "<version>" makes it conditional)',
        params: IdParams,
        body: NotePatchBody,
        response: {
          200: NoteSchema,
          400: ProblemRef,
          401: ProblemRef,
          404: ProblemRef,
          412: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const expected = versionsFromIfMatch(request.headers['if-match']);
      const result = await notes.update(
        request.auth.userId,
        request.params.id,
        request.body,
        expected,
      );
      if (!result.ok) throw result.reason === 'not_found' ? noSuchNote() : staleVersion();
      void reply.header('etag', etagOf(result.value.version));
      return result.value;
    },
  );

  routes.delete(
    ID_PATH,
    {
      schema: {
        operationId: 'deleteNote',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Delete a note (If-Match: "<version>" makes it conditional)',
        params: IdParams,
        response: {
          204: NoContent,
          401: ProblemRef,
          404: ProblemRef,
          412: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const expected = versionsFromIfMatch(request.headers['if-match']);
      const result = await notes.remove(request.auth.userId, request.params.id, expected);
      if (!result.ok) throw result.reason === 'not_found' ? noSuchNote() : staleVersion();
      return reply.code(204).send(null);
    },
  );
}
