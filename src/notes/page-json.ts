// The notes list without a search, answered as finished JSON built by the database: the hot
// path of the API (a client polls its newest notes far more than it does anything else).
//
// The database writes each page's items as one JSON array, byte for byte what the response
// schema would serialize (same member order, JSON.stringify's escapes: `json_object` on SQLite,
// `to_json` on PostgreSQL; `tags` is stored as JSON.stringify wrote it), plus the position of the
// page's last note and whether more follow. Node then touches one row of four values instead of
// 21 row objects that would be mapped and serialized again; on SQLite that cut a page from ~100 µs
// to ~30 µs. The SQL is fixed per shape of the filters (pinned, tag, cursor), so it is written
// once here, never compiled per request: SQLite keeps it prepared by its text, PostgreSQL as a
// named statement of each pooled connection.
//
// Two reads in one statement, both along the list's index (notes, or note_tags for a tag, as in
// list-query.ts): the page's rows, aggregated, and the order keys of the page's last note and of
// the one after it (an index-only read), which say where the next page starts and whether there
// is one. (Numbering limit + 1 rows with row_number() instead cost twice the time on SQLite.)
import { CompiledQuery } from 'kysely';
import type { Db, Engine } from '../db/connect.ts';
import type { NotePosition } from './order.ts';

/** A page of notes as JSON text: `items` is the array, `next` the position for the cursor. */
export interface NotePageJson {
  items: string;
  next: NotePosition | null;
}

interface PageRow {
  items: string | null;
  /** JSON: the [updated_at, id] of the page's last note and of the next one, when they exist. */
  ends: string | null;
}

const NOTE_FIELDS =
  'n.id, n.title, n.body, n.tags, n.pinned, n.archived, n.version, n.created_at, n.updated_at';

// SQLite: json_object escapes as JSON.stringify does (\b \f \n \r \t, \u00XX for the other
// control characters, nothing above them); json(tags) keeps the stored array's text.
const SQLITE_ITEM =
  "json_object('id', id, 'title', title, 'body', body, 'tags', json(tags), " +
  "'pinned', json(iif(pinned, 'true', 'false')), 'archived', json(iif(archived, 'true', 'false')), " +
  "'version', version, 'created_at', created_at, 'updated_at', updated_at)";

// PostgreSQL: json_build_object would add spaces around every colon; to_json escapes as
// JSON.stringify does, and the rest is concatenated as the serializer would write it.
const POSTGRES_ITEM =
  `'{"id":' || to_json(id)::text || ',"title":' || to_json(title)::text || ` +
  `',"body":' || to_json(body)::text || ',"tags":' || tags || ` +
  `',"pinned":' || pinned::text || ',"archived":' || archived::text || ` +
  `',"version":' || version::text || ',"created_at":' || to_json(created_at)::text || ` +
  `',"updated_at":' || to_json(updated_at)::text || '}'`;

/** The values a page statement binds, by name. */
export interface PageValues {
  userId: string;
  archived: boolean;
  pinned: boolean | undefined;
  tag: string | undefined;
  limit: number;
  after: NotePosition | undefined;
}

type Field =
  'userId' | 'archived' | 'pinned' | 'tag' | 'limit' | 'lastOffset' | 'afterAt' | 'afterId';

function valueOf(field: Field, values: PageValues): unknown {
  switch (field) {
    case 'lastOffset':
      return values.limit - 1;
    case 'afterAt':
      return values.after?.[0];
    case 'afterId':
      return values.after?.[1];
    default:
      return values[field];
  }
}

/** Numbered placeholders (`?n` on SQLite, `$n` on PostgreSQL), one per field, in first use. */
class Placeholders {
  readonly fields: Field[] = [];
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }
  of(field: Field): string {
    let index = this.fields.indexOf(field);
    if (index < 0) index = this.fields.push(field) - 1;
    return `${this.#engine === 'sqlite' ? '?' : '$'}${index + 1}`;
  }
}

interface Shape {
  pinned: boolean;
  tag: boolean;
  cursor: boolean;
}

/** `SELECT columns` from the list in order, with the page's filters, then `tail` (the LIMIT). */
function walkSql(shape: Shape, p: Placeholders, columns: string, tail: string): string {
  const [order, id] = shape.tag ? ['t.updated_at', 't.note_id'] : ['n.updated_at', 'n.id'];
  const conditions = shape.tag
    ? [
        `t.user_id = ${p.of('userId')}`,
        `t.tag = ${p.of('tag')}`,
        `t.archived = ${p.of('archived')}`,
        `n.user_id = ${p.of('userId')}`,
      ]
    : [`n.user_id = ${p.of('userId')}`, `n.archived = ${p.of('archived')}`];
  if (shape.pinned) conditions.push(`n.pinned = ${p.of('pinned')}`);
  if (shape.cursor) conditions.push(`(${order}, ${id}) < (${p.of('afterAt')}, ${p.of('afterId')})`);
  const from = shape.tag ? 'note_tags t JOIN notes n ON n.id = t.note_id' : 'notes n';
  return (
    `SELECT ${columns} FROM ${from} WHERE ${conditions.join(' AND ')} ` +
    `ORDER BY ${order} DESC, ${id} DESC ${tail}`
  );
}

export interface PageStatement {
  /** A name for PostgreSQL's prepared statement, unique per text. */
  name: string;
  text: string;
  fields: Field[];
}

function pageStatement(engine: Engine, shape: Shape, limit: number): PageStatement {
  const p = new Placeholders(engine);
  // SQLite runs a page statement whose LIMIT and OFFSET are written in its text in ~40 µs, and
  // the same statement with them bound as parameters in ~95 µs (20 notes; measured with
  // node:sqlite, rows of the bench). So SQLite gets one statement per page size (1..100, an
  // integer checked by the route's schema and again here); PostgreSQL binds them.
  const [pageLimit, lastOffset] =
    engine === 'sqlite' ? [String(limit), String(limit - 1)] : [p.of('limit'), p.of('lastOffset')];
  const rows = walkSql(shape, p, NOTE_FIELDS, `LIMIT ${pageLimit}`);
  const keys = walkSql(shape, p, 'n.updated_at, n.id', `LIMIT 2 OFFSET ${lastOffset}`);
  const text =
    engine === 'sqlite'
      ? // SQLite aggregates a subquery's rows in the subquery's order (a co-routine feeds them);
        // an ORDER BY inside the aggregate would sort them again for nothing.
        `SELECT (SELECT json_group_array(${SQLITE_ITEM}) FROM (${rows})) AS items, ` +
        `(SELECT json_group_array(json_array(updated_at, id)) FROM (${keys})) AS ends`
      : `SELECT (SELECT '[' || string_agg(${POSTGRES_ITEM}, ',' ORDER BY updated_at DESC, id DESC) || ']' ` +
        `FROM (${rows}) AS page) AS items, ` +
        `(SELECT json_agg(json_build_array(updated_at, id))::text FROM (${keys}) AS page) AS ends`;
  const name =
    `jotter-note-page-${shape.pinned ? 'p' : ''}${shape.tag ? 't' : ''}${shape.cursor ? 'c' : ''}` +
    (engine === 'sqlite' ? `-${limit}` : '');
  return { name, text, fields: p.fields };
}

const statements = new Map<string, PageStatement>();

/** The largest `limit` a list accepts (API.md). */
const MAX_PAGE = 100;

/** The page statement of an engine for the shape of these values (made once per shape). */
export function notePageStatement(engine: Engine, values: PageValues): PageStatement {
  const { limit } = values;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new RangeError(`A page holds 1 to ${MAX_PAGE} notes, not ${limit}`);
  }
  const key =
    `${engine}${values.pinned !== undefined ? 1 : 0}${values.tag !== undefined ? 1 : 0}` +
    `${values.after !== undefined ? 1 : 0}${engine === 'sqlite' ? limit : ''}`;
  let statement = statements.get(key);
  if (statement === undefined) {
    const shape = {
      pinned: values.pinned !== undefined,
      tag: values.tag !== undefined,
      cursor: values.after !== undefined,
    };
    statement = pageStatement(engine, shape, limit);
    statements.set(key, statement);
  }
  return statement;
}

/** The values of a statement's placeholders, in order. */
export function bindings(statement: PageStatement, values: PageValues): unknown[] {
  return statement.fields.map((field) => valueOf(field, values));
}

/**
 * One page of the user's notes (no search) as JSON text. SQLite runs it at once when no
 * transaction is open, else through Kysely's connection, which keeps it out of another request's
 * open transaction; PostgreSQL as a named statement on the pool.
 */
export async function readNotePage(db: Db, values: PageValues): Promise<NotePageJson> {
  const statement = notePageStatement(db.engine, values);
  const parameters = bindings(statement, values);
  let row: PageRow | undefined;
  if (db.pool !== undefined) {
    const result = await db.pool.query<PageRow>({
      name: statement.name,
      text: statement.text,
      values: parameters,
    });
    row = result.rows[0];
  } else {
    const rows =
      db.sqlite?.readIfIdle<PageRow>(statement.text, parameters) ??
      (await db.kysely.executeQuery<PageRow>(CompiledQuery.raw(statement.text, parameters))).rows;
    row = rows[0];
  }
  const ends = row?.ends == null ? [] : (JSON.parse(row.ends) as NotePosition[]);
  return {
    items: row?.items ?? '[]',
    next: ends.length === 2 ? ends[0]! : null,
  };
}
