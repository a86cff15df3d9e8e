// The to-do endpoints as the to-do screen uses them.
import { api, unwrap } from '../api/client.ts';
import type { Todo, TodosQuery } from '../api/types.ts';
import type { Page } from '../lib/use-paged-list.ts';

export type TodoFilter = 'open' | 'done' | 'all';

export const PAGE_SIZE = 50;

export function listTodos(filter: TodoFilter, cursor?: string): Promise<Page<Todo>> {
  const query: TodosQuery = { limit: String(PAGE_SIZE) };
  if (filter !== 'all') query.done = filter === 'done' ? 'true' : 'false';
  if (cursor) query.cursor = cursor;
  return unwrap(api.GET('/api/v1/todos', { params: { query } }));
}

export function createTodo(title: string, dueDate: string | null, done = false): Promise<Todo> {
  return unwrap(api.POST('/api/v1/todos', { body: { title, due_date: dueDate, done } }));
}

/** To-dos are small: the last change wins (no If-Match), as with a paper list. */
export function updateTodo(
  id: string,
  changes: { title?: string; done?: boolean; due_date?: string | null },
): Promise<Todo> {
  return unwrap(api.PATCH('/api/v1/todos/{id}', { params: { path: { id } }, body: changes }));
}

export function deleteTodo(id: string): Promise<void> {
  return unwrap(api.DELETE('/api/v1/todos/{id}', { params: { path: { id } } }));
}

/** Where a to-do goes in the API's order: by due date (undated last), then by creation. */
export function compareTodos(a: Todo, b: Todo): number {
  if (a.due_date !== b.due_date) {
    if (a.due_date === null) return 1;
    if (b.due_date === null) return -1;
    return a.due_date < b.due_date ? -1 : 1;
  }
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}
