// The notes list order (newest `updated_at` first, ties broken by id), the filters a list takes
// and keyset ranges over that order, shared by the walk (list-query.ts) and the full-text side
// (search.ts).
import { sql, type Expression, type SqlBool } from 'kysely';
import type { SearchTerm } from '../db/full-text.ts';
import type { NotesTable } from '../db/schema.ts';

export interface NoteFilters {
  archived: boolean;
  pinned?: boolean | undefined;
  /** A whole tag. */
  tag?: string | undefined;
  /** Full-text terms that must all match; empty for no search. */
  search: SearchTerm[];
}

/** Where a page ends: the last note's `updated_at` and `id`. */
export type NotePosition = [updatedAt: string, id: string];

/** Part of the list order: notes before `before` (exclusive) and from `from` on (inclusive). */
export interface NoteRange {
  before?: NotePosition | undefined;
  from?: NotePosition | undefined;
}

/** How many notes a search checks one by one before it asks the full-text index instead. */
export const SEARCH_WINDOW = 500;

export const NOTE_COLUMNS = [
  'n.id',
  'n.title',
  'n.body',
  'n.tags',
  'n.pinned',
  'n.archived',
  'n.version',
  'n.created_at',
  'n.updated_at',
] as const;

/** A note as the list and search statements read it (NOTE_COLUMNS). */
export type NoteRow = Omit<NotesTable, 'user_id' | 'search_title' | 'search_body'>;

/** Range conditions on the order keys (`n.updated_at, n.id` or the note_tags copies). */
export function rangeConditions(keys: [string, string], range: NoteRange): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const tuple = sql`(${sql.ref(keys[0])}, ${sql.ref(keys[1])})`;
  if (range.before !== undefined)
    conditions.push(sql<SqlBool>`${tuple} < (${range.before[0]}, ${range.before[1]})`);
  if (range.from !== undefined)
    conditions.push(sql<SqlBool>`${tuple} >= (${range.from[0]}, ${range.from[1]})`);
  return conditions;
}
