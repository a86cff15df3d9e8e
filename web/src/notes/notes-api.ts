// The notes endpoints as the note screens use them. Updates carry `If-Match` with the version
// the user started from, so an edit made elsewhere in the meantime is a 412, never overwritten.
import { api, unwrap } from '../api/client.ts';
import type { Note, NoteInput, NotesQuery } from '../api/types.ts';
import type { Page } from '../lib/use-paged-list.ts';

export interface NoteFilters {
  q: string;
  tag: string;
  archived: boolean;
}

export const PAGE_SIZE = 20;

export function listNotes(
  filters: NoteFilters,
  pinned: boolean,
  cursor?: string,
): Promise<Page<Note>> {
  const query: NotesQuery = {
    limit: String(PAGE_SIZE),
    archived: filters.archived ? 'true' : 'false',
    pinned: pinned ? 'true' : 'false',
  };
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.tag) query.tag = filters.tag;
  if (cursor) query.cursor = cursor;
  return unwrap(api.GET('/api/v1/notes', { params: { query } }));
}

export function getNote(id: string): Promise<Note> {
  return unwrap(api.GET('/api/v1/notes/{id}', { params: { path: { id } } }));
}

export function createNote(input: NoteInput): Promise<Note> {
  return unwrap(api.POST('/api/v1/notes', { body: input }));
}

export function updateNote(
  id: string,
  version: number,
  changes: Partial<NoteInput>,
): Promise<Note> {
  return unwrap(
    api.PATCH('/api/v1/notes/{id}', {
      params: { path: { id } },
      headers: { 'If-Match': `"${version}"` },
      body: changes,
    }),
  );
}

export function deleteNote(id: string, version: number): Promise<void> {
  return unwrap(
    api.DELETE('/api/v1/notes/{id}', {
      params: { path: { id } },
      headers: { 'If-Match': `"${version}"` },
    }),
  );
}
