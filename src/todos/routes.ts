// /api/v1/todos: the caller's own to-dos (API.md, "Todos"), built like /api/v1/notes: scoped by
// `request.auth.userId`, 404 for anything not the caller's, If-Match and ETag on versions.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
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
import { todoRepo, type TodoFilters, type TodoPosition } from './repo.ts';
import {
  TodoCreateBody,
  TodoListQuery,
  TodoPage,
  TodoPatchBody,
  TodoSchema,
  type Todo,
} from './schemas.ts';

const TAGS = ['Todos'];

function noSuchTodo(): AppError {
  return new AppError('not_found', 'No such to-do.');
}

function staleVersion(): AppError {
  return new AppError('version_conflict', 'The to-do has changed since that version.');
}

function filterKey(filters: TodoFilters): string {
  return JSON.stringify([filters.done ?? null, filters.dueFrom ?? null, filters.dueTo ?? null]);
}

export async function todoRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const todos = todoRepo(app.db);
  const locationOf = (todo: Todo): string => `${app.prefix}/${todo.id}`;

  routes.get(
    '/',
    {
      prefixTrailingSlash: 'no-slash',
      schema: {
        operationId: 'listTodos',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'List to-dos by due date (undated last), then creation',
        querystring: TodoListQuery,
        response: { 200: TodoPage, 400: ProblemRef, 401: ProblemRef },
      },
    },
    async (request) => {
      const { query } = request;
      const userId = request.auth.userId;
      const filters: TodoFilters = {
        done: query.done === undefined ? undefined : query.done === 'true',
        dueFrom: query.due_from,
        dueTo: query.due_to,
      };
      const scope: CursorScope = { list: 'todos', userId, filters: filterKey(filters) };
      const cursors = await cursorCodec(app.db);
      const after =
        query.cursor === undefined
          ? undefined
          : (cursors.decode(scope, query.cursor, 3) as TodoPosition);
      const page = await todos.list(userId, filters, parseLimit(query.limit), after);
      return {
        items: page.todos,
        next_cursor: page.next === null ? null : cursors.encode(scope, page.next),
      };
    },
  );

  routes.post(
    '/',
    {
      prefixTrailingSlash: 'no-slash',
      schema: {
        operationId: 'createTodo',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Create a to-do',
        body: TodoCreateBody,
        response: { 201: TodoSchema, 400: ProblemRef, 401: ProblemRef },
      },
    },
    async (request, reply) => {
      const todo = await todos.create(request.auth.userId, request.body);
      void reply
        .code(201)
        .header('location', locationOf(todo))
        .header('etag', etagOf(todo.version));
      return todo;
    },
  );

  routes.get(
    ID_PATH,
    {
      schema: {
        operationId: 'getTodo',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Read a to-do',
        params: IdParams,
        response: { 200: TodoSchema, 401: ProblemRef, 404: ProblemRef },
      },
    },
    async (request, reply) => {
      const todo = await todos.get(request.auth.userId, request.params.id);
      if (todo === null) throw noSuchTodo();
      void reply.header('etag', etagOf(todo.version));
      return todo;
    },
  );

  routes.patch(
    ID_PATH,
    {
      schema: {
        operationId: 'updateTodo',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Change a to-do (If-Match: "<version>" makes it conditional)',
        params: IdParams,
        body: TodoPatchBody,
        response: {
          200: TodoSchema,
          400: ProblemRef,
          401: ProblemRef,
          404: ProblemRef,
          412: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const expected = versionsFromIfMatch(request.headers['if-match']);
      const result = await todos.update(
        request.auth.userId,
        request.params.id,
        request.body,
        expected,
      );
      if (!result.ok) throw result.reason === 'not_found' ? noSuchTodo() : staleVersion();
      void reply.header('etag', etagOf(result.value.version));
      return result.value;
    },
  );

  routes.delete(
    ID_PATH,
    {
      schema: {
        operationId: 'deleteTodo',
        tags: TAGS,
        security: AUTHENTICATED,
        summary: 'Delete a to-do (If-Match: "<version>" makes it conditional)',
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
      const result = await todos.remove(request.auth.userId, request.params.id, expected);
      if (!result.ok) throw result.reason === 'not_found' ? noSuchTodo() : staleVersion();
      return reply.code(204).send(null);
    },
  );
}
