// The admin endpoints as the admin screen uses them (administrators only; others get 403).
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema';
import type { Page } from '../lib/use-paged-list.ts';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
export type AdminUser = JsonOf<paths['/api/v1/admin/users/{id}']['patch']['responses'][200]>;

export function listUsers(q: string, cursor?: string): Promise<Page<AdminUser>> {
  const query: { limit: string; q?: string; cursor?: string } = { limit: '50' };
  if (q.trim()) query.q = q.trim();
  if (cursor) query.cursor = cursor;
  return unwrap(api.GET('/api/v1/admin/users', { params: { query } }));
}

export function setDisabled(id: string, disabled: boolean): Promise<AdminUser> {
  return unwrap(
    api.PATCH('/api/v1/admin/users/{id}', { params: { path: { id } }, body: { disabled } }),
  );
}

export function deleteUser(id: string): Promise<void> {
  return unwrap(api.DELETE('/api/v1/admin/users/{id}', { params: { path: { id } } }));
}
