// To-dos storage, scoped by owner in every query like notes (src/notes/repo.ts). The list runs in
// due-date order, undated last, then creation order, then id, along an index of that order.
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { isId, newId } from '../db/ids.ts';
import {
  accepts,
  failed,
  type ExpectedVersions,
  type WriteFailure,
  type WriteResult,
} from '../db/versioned.ts';
import type { Todo, TodoCreate, TodoPatch } from './schemas.ts';

export interface TodoFilters {
  done?: boolean | undefined;
  /** Inclusive YYYY-MM-DD bounds; either one leaves undated to-dos out. */
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
}

/** Where a page ends: the last to-do's due order (its date, or after all dates), creation, id. */
export type TodoPosition = [dueOrder: string, createdAt: string, id: string];

export interface TodoPage {
  todos: Todo[];
  next: TodoPosition | null;
}

export interface TodoRepo {
  create(userId: string, input: TodoCreate): Promise<Todo>;
  get(userId: string, id: string): Promise<Todo | null>;
  list(
    userId: string,
    filters: TodoFilters,
    limit: number,
    after?: TodoPosition,
  ): Promise<TodoPage>;
  update(
    userId: string,
    id: string,
    patch: TodoPatch,
    expected: ExpectedVersions,
  ): Promise<WriteResult<Todo>>;
  remove(userId: string, id: string, expected: ExpectedVersions): Promise<WriteResult<null>>;
}

const EARLIEST_DATE = '0000-01-01';
const LATEST_DATE = '9999-12-31';

export const TODO_COLUMNS = [
  'id',
  'title',
  'done',
  'due_date',
  'completed_at',
  'version',
  'created_at',
  'updated_at',
] as const;

interface TodoRow {
  id: string;
  title: string;
  done: boolean;
  due_date: string | null;
  completed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

function toTodo(row: TodoRow): Todo {
  return {
    id: row.id,
    title: row.title,
    done: row.done,
    due_date: row.due_date,
    completed_at: row.completed_at,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function todoListQuery(
  db: Db,
  userId: string,
  filters: TodoFilters,
  limit: number,
  after?: TodoPosition,
) {
  let query = db.kysely
    .selectFrom('todos')
    .select([...TODO_COLUMNS, 'due_order'])
    .where('user_id', '=', userId);
  if (filters.done !== undefined) query = query.where('done', '=', filters.done);
  if (filters.dueFrom !== undefined || filters.dueTo !== undefined) {
    // Undated to-dos sort after LATEST_DATE, so the range leaves them out.
    query = query
      .where('due_order', '>=', filters.dueFrom ?? EARLIEST_DATE)
      .where('due_order', '<=', filters.dueTo ?? LATEST_DATE);
  }
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(eb.refTuple('due_order', 'created_at', 'id'), '>', eb.tuple(after[0], after[1], after[2])),
    );
  }
  return query.orderBy('due_order').orderBy('created_at').orderBy('id').limit(limit);
}

function isEmptyPatch(patch: TodoPatch): boolean {
  return patch.title === undefined && patch.done === undefined && patch.due_date === undefined;
}

export function todoRepo(db: Db): TodoRepo {
  const { kysely } = db;

  async function get(userId: string, id: string): Promise<Todo | null> {
    if (!isId(id)) return null;
    const row = await kysely
      .selectFrom('todos')
      .select(TODO_COLUMNS)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toTodo(row);
  }

  async function missOrConflict(userId: string, id: string): Promise<WriteFailure> {
    return (await get(userId, id)) === null ? 'not_found' : 'version_conflict';
  }

  return {
    async create(userId, input) {
      const now = new Date().toISOString();
      const done = input.done ?? false;
      const todo: Todo = {
        id: newId(),
        title: input.title,
        done,
        due_date: input.due_date ?? null,
        completed_at: done ? now : null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await kysely
        .insertInto('todos')
        .values({ ...todo, user_id: userId })
        .execute();
      return todo;
    },

    get,

    async list(userId, filters, limit, after) {
      const rows = await todoListQuery(db, userId, filters, limit + 1, after).execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        todos: page.map(toTodo),
        next: rows.length > limit && last ? [last.due_order, last.created_at, last.id] : null,
      };
    },

    async update(userId, id, patch, expected) {
      if (isEmptyPatch(patch)) {
        const todo = await get(userId, id);
        if (todo === null) return failed('not_found');
        return accepts(expected, todo.version)
          ? { ok: true, value: todo }
          : failed('version_conflict');
      }
      if (!isId(id)) return failed('not_found');
      if (expected?.length === 0) return failed(await missOrConflict(userId, id));
      const now = new Date().toISOString();
      let update = kysely
        .updateTable('todos')
        .set((eb) => ({
          title: patch.title,
          due_date: patch.due_date,
          done: patch.done,
          // Marking a done to-do done again keeps the time it was completed.
          completed_at:
            patch.done === true
              ? sql<string>`coalesce(completed_at, ${now})`
              : patch.done === false
                ? null
                : undefined,
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('user_id', '=', userId)
        .where('id', '=', id);
      if (expected !== undefined) update = update.where('version', 'in', expected);
      const row = await update.returning(TODO_COLUMNS).executeTakeFirst();
      if (row === undefined) return failed(await missOrConflict(userId, id));
      return { ok: true, value: toTodo(row) };
    },

    async remove(userId, id, expected) {
      if (!isId(id)) return failed('not_found');
      if (expected?.length === 0) return failed(await missOrConflict(userId, id));
      let statement = kysely.deleteFrom('todos').where('user_id', '=', userId).where('id', '=', id);
      if (expected !== undefined) statement = statement.where('version', 'in', expected);
      const { numDeletedRows } = await statement.executeTakeFirstOrThrow();
      if (numDeletedRows === 0n) return failed(await missOrConflict(userId, id));
      return { ok: true, value: null };
    },
  };
}
