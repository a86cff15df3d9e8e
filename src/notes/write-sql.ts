// The statements of a note's creation and change, written once per engine and shape (number of
// tags, fields changed) rather than built and compiled by Kysely on every request: these are the
// write paths clients hit most, and compiling the statements cost about as much as SQLite's own
// work on them.
import { CompiledQuery } from 'kysely';
import type { Engine } from '../db/connect.ts';
import { orderKeySql } from '../db/migrations/0003-search-index.ts';
import type { Note } from './schemas.ts';
import type { SearchColumns } from './search.ts';

const NOTE_COLUMNS =
  'id, user_id, title, body, tags, pinned, archived, version, created_at, updated_at';
const TAG_COLUMNS = 'note_id, tag, user_id, archived, updated_at';

function placeholders(engine: Engine, from: number, count: number): string {
  const marks = Array.from({ length: count }, (_, index) =>
    engine === 'sqlite' ? '?' : `$${from + index}`,
  );
  return `(${marks.join(', ')})`;
}

const noteInserts = new Map<Engine, string>();
const tagInserts = new Map<string, string>();

function noteInsertText(engine: Engine): string {
  let text = noteInserts.get(engine);
  if (text === undefined) {
    text =
      engine === 'sqlite'
        ? // seq: the note's order key, which SQLite's full-text index is walked by (0003).
          `INSERT INTO notes (seq, ${NOTE_COLUMNS}) VALUES (${orderKeySql('?')}, ${placeholders(engine, 1, 10).slice(1)}`
        : `INSERT INTO notes (${NOTE_COLUMNS}, search_title, search_body) VALUES ${placeholders(engine, 1, 12)}`;
    noteInserts.set(engine, text);
  }
  return text;
}

function tagInsertText(engine: Engine, count: number): string {
  const key = `${engine}${count}`;
  let text = tagInserts.get(key);
  if (text === undefined) {
    const rows = Array.from({ length: count }, (_, index) =>
      placeholders(engine, index * 5 + 1, 5),
    );
    text = `INSERT INTO note_tags (${TAG_COLUMNS}) VALUES ${rows.join(', ')}`;
    tagInserts.set(key, text);
  }
  return text;
}

/** The INSERT of a new note (`search` holds PostgreSQL's vectors; nothing on SQLite). */
export function insertNoteQuery(
  engine: Engine,
  userId: string,
  note: Note,
  search: SearchColumns,
): CompiledQuery {
  // The order key's expression names the change time three times (orderKeySql).
  const values: unknown[] =
    engine === 'sqlite' ? [note.updated_at, note.updated_at, note.updated_at] : [];
  values.push(
    note.id,
    userId,
    note.title,
    note.body,
    JSON.stringify(note.tags),
    note.pinned,
    note.archived,
    note.version,
    note.created_at,
    note.updated_at,
  );
  if (engine === 'postgres') values.push(search.search_title, search.search_body);
  return CompiledQuery.raw(noteInsertText(engine), values);
}

/** The INSERT of a note's note_tags rows; the note must have at least one tag. */
export function insertTagsQuery(engine: Engine, userId: string, note: Note): CompiledQuery {
  const values: unknown[] = [];
  for (const tag of note.tags) values.push(note.id, tag, userId, note.archived, note.updated_at);
  return CompiledQuery.raw(tagInsertText(engine, note.tags.length), values);
}

/** The columns an UPDATE may set besides version and updated_at, in binding order. */
export interface NoteChanges {
  title?: string | undefined;
  body?: string | undefined;
  /** The tags as stored (JSON text). */
  tags?: string | undefined;
  pinned?: boolean | undefined;
  archived?: boolean | undefined;
  search_title?: string | undefined;
  search_body?: string | undefined;
}

const CHANGE_COLUMNS = [
  'title',
  'body',
  'tags',
  'pinned',
  'archived',
  'search_title',
  'search_body',
] as const;

const RETURNED = 'id, title, body, tags, pinned, archived, version, created_at, updated_at';
const updates = new Map<string, string>();

/**
 * The UPDATE of a note's changed columns, version + 1 and updated_at, only when the note is the
 * user's and (with `expected`) at one of the accepted versions; it returns the changed note.
 */
export function updateNoteQuery(
  engine: Engine,
  userId: string,
  id: string,
  changes: NoteChanges,
  updatedAt: string,
  expected: readonly number[] | undefined,
): CompiledQuery {
  const present = CHANGE_COLUMNS.filter((column) => changes[column] !== undefined);
  const values: unknown[] = present.map((column) => changes[column]);
  values.push(updatedAt);
  // On SQLite the note moves to the order key of its new updated_at (migration 0003).
  if (engine === 'sqlite') values.push(updatedAt, updatedAt, updatedAt);
  values.push(userId, id);
  if (expected !== undefined) values.push(...expected);
  const key = `${engine}:${present.join(',')}:${expected?.length ?? '-'}`;
  let text = updates.get(key);
  if (text === undefined) {
    let index = 0;
    const mark = (): string => (engine === 'sqlite' ? '?' : `$${++index}`);
    const sets = present.map((column) => `${column} = ${mark()}`);
    sets.push('version = version + 1', `updated_at = ${mark()}`);
    if (engine === 'sqlite') sets.push(`seq = ${orderKeySql('?')}`);
    text = `UPDATE notes SET ${sets.join(', ')} WHERE user_id = ${mark()} AND id = ${mark()}`;
    if (expected !== undefined)
      text += ` AND version IN (${expected.map(() => mark()).join(', ')})`;
    text += ` RETURNING ${RETURNED}`;
    // If-Match lists are short, but a client could send many shapes: keep the cache bounded.
    if (updates.size >= 500) updates.clear();
    updates.set(key, text);
  }
  return CompiledQuery.raw(text, values);
}

/** The version of the user's note (no row: no such note), to tell a miss from a conflict. */
export function noteVersionQuery(engine: Engine, userId: string, id: string): CompiledQuery {
  const [user, note] = engine === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
  return CompiledQuery.raw(`SELECT version FROM notes WHERE user_id = ${user} AND id = ${note}`, [
    userId,
    id,
  ]);
}

/**
 * The statements that keep note_tags equal to a changed note: its tag set when the tags changed,
 * otherwise the copies of archived and updated_at.
 */
export function syncTagsQueries(
  engine: Engine,
  userId: string,
  note: Note,
  tagsChanged: boolean,
): CompiledQuery[] {
  const [first, second, third, fourth] =
    engine === 'sqlite' ? ['?', '?', '?', '?'] : ['$1', '$2', '$3', '$4'];
  if (tagsChanged) {
    const queries = [
      CompiledQuery.raw(`DELETE FROM note_tags WHERE user_id = ${first} AND note_id = ${second}`, [
        userId,
        note.id,
      ]),
    ];
    if (note.tags.length > 0) queries.push(insertTagsQuery(engine, userId, note));
    return queries;
  }
  if (note.tags.length === 0) return [];
  return [
    CompiledQuery.raw(
      `UPDATE note_tags SET archived = ${first}, updated_at = ${second} WHERE user_id = ${third} AND note_id = ${fourth}`,
      [note.archived, note.updated_at, userId, note.id],
    ),
  ];
}

/** The DELETE of the user's note, only at one of the accepted versions when `expected` is set. */
export function deleteNoteQuery(
  engine: Engine,
  userId: string,
  id: string,
  expected: readonly number[] | undefined,
): CompiledQuery {
  let index = 0;
  const mark = (): string => (engine === 'sqlite' ? '?' : `$${++index}`);
  let text = `DELETE FROM notes WHERE user_id = ${mark()} AND id = ${mark()}`;
  const values: unknown[] = [userId, id];
  if (expected !== undefined) {
    text += ` AND version IN (${expected.map(() => mark()).join(', ')})`;
    values.push(...expected);
  }
  return CompiledQuery.raw(text, values);
}
