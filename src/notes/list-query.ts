// The notes list query: newest `updated_at` first, ties broken by id, read in index order from
// the keyset position after the previous page (never OFFSET), so a page costs the same however
// deep it is and however many notes the user has. With a tag the walk follows note_tags, whose
// index holds the tag's notes in the same order. Exported for the query-plan tests.
import type { Db } from '../db/connect.ts';
import type { SearchTerm } from '../db/full-text.ts';
import { matchesSearch } from './search.ts';

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

export function noteListQuery(
  db: Db,
  userId: string,
  filters: NoteFilters,
  limit: number,
  after?: NotePosition,
) {
  if (filters.tag !== undefined) return taggedQuery(db, userId, filters, filters.tag, limit, after);
  let query = db.kysely
    .selectFrom('notes as n')
    .select(NOTE_COLUMNS)
    .where('n.user_id', '=', userId)
    .where('n.archived', '=', filters.archived);
  if (filters.pinned !== undefined) query = query.where('n.pinned', '=', filters.pinned);
  if (filters.search.length > 0) query = query.where(matchesSearch(db.engine, 'n', filters.search));
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(eb.refTuple('n.updated_at', 'n.id'), '<', eb.tuple(after[0], after[1])),
    );
  }
  return query.orderBy('n.updated_at', 'desc').orderBy('n.id', 'desc').limit(limit);
}

function taggedQuery(
  db: Db,
  userId: string,
  filters: NoteFilters,
  tag: string,
  limit: number,
  after?: NotePosition,
) {
  let query = db.kysely
    .selectFrom('note_tags as t')
    .innerJoin('notes as n', 'n.id', 't.note_id')
    .select(NOTE_COLUMNS)
    .where('t.user_id', '=', userId)
    .where('t.tag', '=', tag)
    .where('t.archived', '=', filters.archived)
    .where('n.user_id', '=', userId);
  if (filters.pinned !== undefined) query = query.where('n.pinned', '=', filters.pinned);
  if (filters.search.length > 0) query = query.where(matchesSearch(db.engine, 'n', filters.search));
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(eb.refTuple('t.updated_at', 't.note_id'), '<', eb.tuple(after[0], after[1])),
    );
  }
  return query.orderBy('t.updated_at', 'desc').orderBy('t.note_id', 'desc').limit(limit);
}
