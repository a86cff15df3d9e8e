// The notes list queries: newest `updated_at` first, ties broken by id, read from the keyset
// position after the previous page (never OFFSET), so a page costs the same however deep it is
// and however many notes the user has. Without a tag the walk follows notes' own indexes; with a
// tag it follows note_tags, whose index holds the tag's notes in the same order.
//
// A search on SQLite without a tag walks its full-text index instead, which keeps the notes in
// list order (src/notes/search.ts, keyOrderSearch). On PostgreSQL, and with a tag on SQLite,
// a search cannot walk blindly: a word in few of the user's notes would read all of them before
// the page fills. So a search first walks a window of the next SEARCH_WINDOW notes, checking each
// against the full-text index; if the page is not full by the window's end, the rest comes from
// the full-text index (the user's matching notes after the window, sorted). Common words fill
// the page inside the window; rare words are found through the index; either way the work is
// bounded by the window and by the number of matches (bench/notes-100k.ts measures both).
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db/connect.ts';
import {
  NOTE_COLUMNS,
  rangeConditions,
  SEARCH_WINDOW,
  type NoteFilters,
  type NotePosition,
  type NoteRange,
} from './order.ts';
import { matchesSearch } from './search.ts';

export type { NoteFilters, NotePosition } from './order.ts';
export { matchingNotesQuery } from './search.ts';

function walkConditions(
  db: Db,
  userId: string,
  filters: NoteFilters,
  keys: [string, string],
  range: NoteRange,
): Expression<SqlBool>[] {
  const conditions = rangeConditions(keys, range);
  if (filters.pinned !== undefined)
    conditions.push(sql<SqlBool>`${sql.ref('n.pinned')} = ${filters.pinned}`);
  if (filters.search.length > 0) conditions.push(matchesSearch(db.engine, 'n', userId, filters));
  return conditions;
}

/** The user's notes in list order within `range`, filtered, along the list's index. */
export function noteWalkQuery(
  db: Db,
  userId: string,
  filters: NoteFilters,
  limit: number,
  range: NoteRange = {},
) {
  if (filters.tag !== undefined) {
    return db.kysely
      .selectFrom('note_tags as t')
      .innerJoin('notes as n', 'n.id', 't.note_id')
      .select(NOTE_COLUMNS)
      .where('t.user_id', '=', userId)
      .where('t.tag', '=', filters.tag)
      .where('t.archived', '=', filters.archived)
      .where('n.user_id', '=', userId)
      .where((eb) =>
        eb.and(walkConditions(db, userId, filters, ['t.updated_at', 't.note_id'], range)),
      )
      .orderBy('t.updated_at', 'desc')
      .orderBy('t.note_id', 'desc')
      .limit(limit);
  }
  return db.kysely
    .selectFrom('notes as n')
    .select(NOTE_COLUMNS)
    .where('n.user_id', '=', userId)
    .where('n.archived', '=', filters.archived)
    .where((eb) => eb.and(walkConditions(db, userId, filters, ['n.updated_at', 'n.id'], range)))
    .orderBy('n.updated_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit);
}

/**
 * The position of the SEARCH_WINDOW-th note before `before` in list order, ignoring the search
 * (an index-only read), or nothing when fewer notes are left.
 */
export function searchWindowEndQuery(
  db: Db,
  userId: string,
  filters: NoteFilters,
  before: NotePosition | undefined,
) {
  const unsearched = { ...filters, search: [] };
  if (filters.tag !== undefined) {
    let query = db.kysely
      .selectFrom('note_tags as t')
      .select(['t.updated_at', 't.note_id as id'])
      .where('t.user_id', '=', userId)
      .where('t.tag', '=', filters.tag)
      .where('t.archived', '=', filters.archived)
      .where((eb) => eb.and(rangeConditions(['t.updated_at', 't.note_id'], { before })));
    if (filters.pinned !== undefined) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('notes as n')
            .select('n.id')
            .where('n.id', '=', eb.ref('t.note_id'))
            .where('n.pinned', '=', filters.pinned!),
        ),
      );
    }
    return query
      .orderBy('t.updated_at', 'desc')
      .orderBy('t.note_id', 'desc')
      .offset(SEARCH_WINDOW - 1)
      .limit(1);
  }
  return db.kysely
    .selectFrom('notes as n')
    .select(['n.updated_at', 'n.id'])
    .where('n.user_id', '=', userId)
    .where('n.archived', '=', filters.archived)
    .where((eb) =>
      eb.and(walkConditions(db, userId, unsearched, ['n.updated_at', 'n.id'], { before })),
    )
    .orderBy('n.updated_at', 'desc')
    .orderBy('n.id', 'desc')
    .offset(SEARCH_WINDOW - 1)
    .limit(1);
}
