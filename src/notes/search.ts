// The one place where notes' full-text search differs by engine. Both sides match the words
// src/db/full-text.ts finds: SQLite through the FTS5 table `notes_fts` (kept by triggers, keyed
// by `notes.seq`), PostgreSQL through the tsvectors the application writes with each change of
// the text, under a GIN index on `search_title || search_body`.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db, Engine } from '../db/connect.ts';
import { fts5Query, searchVector, tsqueryLiteral, type SearchTerm } from '../db/full-text.ts';
import { NOTE_COLUMNS, rangeConditions, type NoteFilters, type NotePosition } from './order.ts';

/**
 * "The note under `alias` contains every term", as a condition checked note by note (the
 * search window of a list walk). On SQLite the FTS5 query runs once per statement into a list
 * of row ids that each note is looked up in (the unary `+` keeps the planner from driving the
 * walk by that list instead of by the list's index); probing FTS5 once per note would evaluate
 * the query again for every note, which for a prefix means expanding it every time.
 */
export function matchesSearch(
  engine: Engine,
  alias: string,
  terms: SearchTerm[],
): Expression<SqlBool> {
  if (engine === 'sqlite') {
    return sql<SqlBool>`+${sql.ref(`${alias}.seq`)} in (select rowid from notes_fts where notes_fts match ${fts5Query(terms)})`;
  }
  // The expression must be the GIN index's own: (search_title || search_body).
  return sql<SqlBool>`(${sql.ref(`${alias}.search_title`)} || ${sql.ref(`${alias}.search_body`)}) @@ ${tsqueryLiteral(terms)}::tsquery`;
}

/**
 * The user's notes that match the search and come before `before`, in list order: all matches
 * are found through the full-text index first (a materialized CTE, so that neither planner
 * walks the user's whole list instead), then only their sort keys are sorted, and the notes of
 * the page are read last. On SQLite the CROSS JOINs fix the join order: the FTS5 result drives
 * the lookups of the notes, and the page's few ids drive the final read.
 */
export function matchingNotesQuery(
  db: Db,
  userId: string,
  filters: NoteFilters,
  limit: number,
  before: NotePosition | undefined,
) {
  const conditions = rangeConditions(['n.updated_at', 'n.id'], { before });
  conditions.push(sql<SqlBool>`${sql.ref('n.user_id')} = ${userId}`);
  conditions.push(sql<SqlBool>`${sql.ref('n.archived')} = ${filters.archived}`);
  if (filters.pinned !== undefined)
    conditions.push(sql<SqlBool>`${sql.ref('n.pinned')} = ${filters.pinned}`);
  if (filters.tag !== undefined) {
    conditions.push(
      sql<SqlBool>`exists (select 1 from note_tags where note_tags.note_id = ${sql.ref('n.id')} and note_tags.tag = ${filters.tag})`,
    );
  }
  return db.kysely
    .with(
      (cte) => cte('m').materialized(),
      (query) =>
        db.engine === 'sqlite'
          ? query
              .selectFrom(
                sql<{
                  seq: number;
                }>`(select rowid as seq from notes_fts where notes_fts match ${fts5Query(filters.search)})`.as(
                  'f',
                ),
              )
              .crossJoin('notes as n')
              .select(['n.id', 'n.updated_at'])
              .where(sql<SqlBool>`${sql.ref('n.seq')} = ${sql.ref('f.seq')}`)
              .where((eb) => eb.and(conditions))
          : query
              .selectFrom('notes as n')
              .select(['n.id', 'n.updated_at'])
              .where(matchesSearch(db.engine, 'n', filters.search))
              .where((eb) => eb.and(conditions)),
    )
    .with('page', (query) =>
      query
        .selectFrom('m')
        .select(['m.id', 'm.updated_at'])
        .orderBy('m.updated_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(limit),
    )
    .selectFrom('page')
    .crossJoin('notes as n')
    .select(NOTE_COLUMNS)
    .whereRef('n.id', '=', 'page.id')
    .orderBy('n.updated_at', 'desc')
    .orderBy('n.id', 'desc');
}

export interface SearchColumns {
  search_title?: string;
  search_body?: string;
}

/** The column values that keep PostgreSQL's vectors in step with new text; none on SQLite. */
export function searchColumns(
  engine: Engine,
  text: { title?: string | undefined; body?: string | undefined },
): SearchColumns {
  if (engine === 'sqlite') return {};
  const columns: SearchColumns = {};
  if (text.title !== undefined) columns.search_title = searchVector(text.title);
  if (text.body !== undefined) columns.search_body = searchVector(text.body);
  return columns;
}
