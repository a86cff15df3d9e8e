// The one place where notes' full-text search differs by engine. Both sides match the words
// src/db/full-text.ts finds: SQLite through the FTS5 table `notes_fts` (kept by triggers, keyed
// by `notes.seq`, the note's order key, with owner tokens: migration 0003), PostgreSQL through
// the tsvectors the application writes with each change of the text, under a GIN index on
// `search_title || search_body`.
import { CompiledQuery, sql, type Expression, type SqlBool } from 'kysely';
import type { Db, Engine } from '../db/connect.ts';
import { fts5Query, searchVector, tsqueryLiteral } from '../db/full-text.ts';
import { KEYS_PER_MS, keyBaseSql } from '../db/migrations/0003-search-index.ts';
import {
  NOTE_COLUMNS,
  rangeConditions,
  type NoteFilters,
  type NoteRow,
  type NotePosition,
} from './order.ts';

/**
 * The FTS5 query of the user's notes in one list (archived or not, and pinned or not when the
 * filter says) that contain every term: the owner token the triggers write (0003) and the terms,
 * which only ever match the `words` column.
 */
export function ownedFts5Query(
  userId: string,
  filters: Pick<NoteFilters, 'archived' | 'pinned' | 'search'>,
): string {
  let owner = `o${userId.replaceAll('-', '')}a${filters.archived ? 1 : 0}`;
  if (filters.pinned !== undefined) owner += `p${filters.pinned ? 1 : 0}`;
  return `owner : "${owner}" AND words : (${fts5Query(filters.search)})`;
}

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
  userId: string,
  filters: NoteFilters,
): Expression<SqlBool> {
  const terms = filters.search;
  if (engine === 'sqlite') {
    return sql<SqlBool>`+${sql.ref(`${alias}.seq`)} in (select rowid from notes_fts where notes_fts match ${ownedFts5Query(userId, filters)})`;
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
  // On PostgreSQL the user's condition is written so that no B-tree index can serve it: the
  // planner, when its statistics of notes are missing or stale (a table just filled, autovacuum
  // off), otherwise ANDs the GIN bitmap with the user's whole list range from
  // notes_user_updated_idx, reading ~100,000 index entries (18 ms) to keep ~1,000 matches.
  conditions.push(
    db.engine === 'postgres'
      ? sql<SqlBool>`(${sql.ref('n.user_id')} || '') = ${userId}`
      : sql<SqlBool>`${sql.ref('n.user_id')} = ${userId}`,
  );
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
                }>`(select rowid as seq from notes_fts where notes_fts match ${ownedFts5Query(userId, filters)})`.as(
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
              .where(matchesSearch(db.engine, 'n', userId, filters))
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

const statements = new Map<string, string>();

/**
 * The user's matching notes in the FTS5 index's order (order key, newest first): all of them
 * within the millisecond of `within`, or the first `limit` before `before`. FTS5 walks the
 * index backwards from the key bound and stops at the limit, so a page reads about as many
 * index entries as it returns, however common the words (the CROSS JOIN keeps the index as the
 * driving table; query-plan.test.ts checks it).
 */
export function keyWalkQuery(
  userId: string,
  filters: NoteFilters,
  options: { limit?: number; before?: NotePosition | undefined; within?: string },
): CompiledQuery<NoteRow> {
  const values: unknown[] = [ownedFts5Query(userId, filters), userId];
  const shape = `${options.limit !== undefined}${options.before !== undefined}${options.within !== undefined}`;
  if (options.before !== undefined) values.push(options.before[0], ...options.before);
  if (options.within !== undefined) values.push(options.within, options.within);
  if (options.limit !== undefined) values.push(options.limit);
  let text = statements.get(shape);
  if (text === undefined) {
    text = `SELECT ${NOTE_COLUMNS.join(', ')} FROM notes_fts CROSS JOIN notes AS n WHERE notes_fts MATCH ? AND n.seq = notes_fts.rowid AND n.user_id = ?`;
    // The key bound: every key of the cursor's millisecond, and then the cursor itself.
    if (options.before !== undefined)
      text += ` AND notes_fts.rowid < ${keyBaseSql('?')} + ${KEYS_PER_MS} AND (n.updated_at, n.id) < (?, ?)`;
    if (options.within !== undefined)
      text += ` AND notes_fts.rowid >= ${keyBaseSql('?')} AND notes_fts.rowid < ${keyBaseSql('?')} + ${KEYS_PER_MS}`;
    text += ' ORDER BY notes_fts.rowid DESC';
    if (options.limit !== undefined) text += ' LIMIT ?';
    statements.set(shape, text);
  }
  return CompiledQuery.raw(text, values);
}

function listOrder(a: NoteRow, b: NoteRow): number {
  if (a.updated_at !== b.updated_at) return a.updated_at < b.updated_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * A search page on SQLite without a tag filter: the first `limit` matches in key order, which
 * is list order except among notes changed in the same millisecond (keys order those by
 * arrival, the list by id). So the matches of the last row's millisecond are read whole and
 * the page is put in list order before it is cut.
 */
export async function keyOrderSearch(
  db: Db,
  userId: string,
  filters: NoteFilters,
  limit: number,
  before: NotePosition | undefined,
): Promise<NoteRow[]> {
  const { rows } = await db.kysely.executeQuery(keyWalkQuery(userId, filters, { limit, before }));
  const last = rows.at(-1);
  // Fewer than asked: every match is here, only the same-millisecond ones may need ordering.
  if (rows.length < limit || last === undefined) return rows.sort(listOrder);
  const same = await db.kysely.executeQuery(
    keyWalkQuery(userId, filters, { before, within: last.updated_at }),
  );
  const seen = new Set(same.rows.map((row) => row.id));
  const page = rows.filter((row) => !seen.has(row.id));
  for (const row of same.rows) page.push(row);
  return page.sort(listOrder).slice(0, limit);
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
