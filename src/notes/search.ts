// The one place where notes' full-text search differs by engine. Both sides match the words
// src/db/full-text.ts finds: SQLite through the FTS5 table `notes_fts` (kept by triggers),
// PostgreSQL through the tsvectors the application writes with each change of the text.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Engine } from '../db/connect.ts';
import { fts5Query, searchVector, tsqueryLiteral, type SearchTerm } from '../db/full-text.ts';

/** "The note under `alias` contains every term", as a condition for either engine. */
export function matchesSearch(
  engine: Engine,
  alias: string,
  terms: SearchTerm[],
): Expression<SqlBool> {
  if (engine === 'sqlite') {
    return sql<SqlBool>`${sql.ref(`${alias}.seq`)} in (select rowid from notes_fts where notes_fts match ${fts5Query(terms)})`;
  }
  // The expression must be the GIN index's own: (search_title || search_body).
  return sql<SqlBool>`(${sql.ref(`${alias}.search_title`)} || ${sql.ref(`${alias}.search_body`)}) @@ ${tsqueryLiteral(terms)}::tsquery`;
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
