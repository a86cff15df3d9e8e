// Request and answer shapes of /api/v1/todos (API.md, "Todos"). `due_date` is a real calendar
// date (YYYY-MM-DD, so 2023-02-29 is refused) or null, the only nullable input.
import { Type, type Static } from 'typebox';
import {
  BooleanQuery,
  CursorQuery,
  DateQuery,
  LimitQuery,
  Page,
  Strict,
  Text,
} from '../http/schemas.ts';

export const TODO_TITLE_MAX = 200;

const Title = Text({ minLength: 1, maxLength: TODO_TITLE_MAX, description: '1..200 characters' });
const DueDate = Type.Union([DateQuery, Type.Null()], {
  description: 'A calendar date (YYYY-MM-DD), or null for none',
});

export const TodoSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    done: Type.Boolean(),
    due_date: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the to-do was marked done; null while it is not done',
    }),
    version: Type.Integer({ minimum: 1, description: 'Starts at 1, +1 on every change' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { description: 'A to-do (owner-only)' },
);
export type Todo = Static<typeof TodoSchema>;

export const TodoCreateBody = Strict({
  title: Title,
  done: Type.Optional(Type.Boolean()),
  due_date: Type.Optional(DueDate),
});
export type TodoCreate = Static<typeof TodoCreateBody>;

export const TodoPatchBody = Strict({
  title: Type.Optional(Title),
  done: Type.Optional(Type.Boolean()),
  due_date: Type.Optional(DueDate),
});
export type TodoPatch = Static<typeof TodoPatchBody>;

export const TodoListQuery = Type.Object({
  limit: Type.Optional(LimitQuery),
  cursor: Type.Optional(CursorQuery),
  done: Type.Optional(BooleanQuery),
  due_from: Type.Optional(DateQuery),
  due_to: Type.Optional(DateQuery),
});

export const TodoPage = Page(TodoSchema);
