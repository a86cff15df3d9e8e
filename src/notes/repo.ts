// Notes storage. Every query is scoped by the owner's id (`WHERE user_id = ? AND id = ?`), so
// another user's note, a deleted one and a malformed id are all the same miss. Writes that
// depend on a version check it in the writing statement itself (src/db/versioned.ts).
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../db/connect.ts';
import { isId, newId } from '../db/ids.ts';
import type { Database } from '../db/schema.ts';
import {
  accepts,
  failed,
  type ExpectedVersions,
  type WriteFailure,
  type WriteResult,
} from '../db/versioned.ts';
import {
  matchingNotesQuery,
  noteWalkQuery,
  searchWindowEndQuery,
  type NoteFilters,
  type NotePosition,
} from './list-query.ts';
import { NOTE_COLUMNS } from './order.ts';
import {
  insertNoteQuery,
  insertTagsQuery,
  updateNoteQuery,
  type NoteChanges,
} from './write-sql.ts';
import { readNotePage, type NotePageJson } from './page-json.ts';
import type { Note, NoteCreate, NotePatch } from './schemas.ts';
import { keyOrderSearch, searchColumns } from './search.ts';

export type { NoteFilters, NotePosition } from './list-query.ts';

export interface NotePage {
  notes: Note[];
  /** The position after the last note, when more notes follow. */
  next: NotePosition | null;
}

export interface NoteRepo {
  create(userId: string, input: NoteCreate): Promise<Note>;
  get(userId: string, id: string): Promise<Note | null>;
  list(
    userId: string,
    filters: NoteFilters,
    limit: number,
    after?: NotePosition,
  ): Promise<NotePage>;
  /** A page without a search, as JSON text built by the database (page-json.ts). */
  listJson(
    userId: string,
    filters: Omit<NoteFilters, 'search'>,
    limit: number,
    after?: NotePosition,
  ): Promise<NotePageJson>;
  update(
    userId: string,
    id: string,
    patch: NotePatch,
    expected: ExpectedVersions,
  ): Promise<WriteResult<Note>>;
  remove(userId: string, id: string, expected: ExpectedVersions): Promise<WriteResult<null>>;
}

interface NoteRow {
  id: string;
  title: string;
  body: string;
  tags: string;
  pinned: boolean;
  archived: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

// Explicit reads: faster than spreading driver rows, and nothing but the API's fields goes out.
function toNote(row: NoteRow): Note {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    tags: JSON.parse(row.tags) as string[],
    pinned: row.pinned,
    archived: row.archived,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Tags in the order given, exact duplicates removed. */
export function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

type Executor = Kysely<Database> | Transaction<Database>;

async function missOrConflict(db: Executor, userId: string, id: string): Promise<WriteFailure> {
  const row = await db
    .selectFrom('notes')
    .select('version')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? 'not_found' : 'version_conflict';
}

async function insertTags(trx: Transaction<Database>, userId: string, note: Note): Promise<void> {
  if (note.tags.length === 0) return;
  await trx
    .insertInto('note_tags')
    .values(
      note.tags.map((tag) => ({
        note_id: note.id,
        tag,
        user_id: userId,
        archived: note.archived,
        updated_at: note.updated_at,
      })),
    )
    .execute();
}

/** Keeps note_tags equal to the note: its tag set, and the copies of archived and updated_at. */
async function syncTags(
  trx: Transaction<Database>,
  userId: string,
  note: Note,
  tagsChanged: boolean,
): Promise<void> {
  if (tagsChanged) {
    await trx
      .deleteFrom('note_tags')
      .where('user_id', '=', userId)
      .where('note_id', '=', note.id)
      .execute();
    await insertTags(trx, userId, note);
    return;
  }
  if (note.tags.length === 0) return;
  await trx
    .updateTable('note_tags')
    .set({ archived: note.archived, updated_at: note.updated_at })
    .where('user_id', '=', userId)
    .where('note_id', '=', note.id)
    .execute();
}

function isEmptyPatch(patch: NotePatch): boolean {
  return (
    patch.title === undefined &&
    patch.body === undefined &&
    patch.tags === undefined &&
    patch.pinned === undefined &&
    patch.archived === undefined
  );
}

export function noteRepo(db: Db): NoteRepo {
  const { kysely, engine } = db;

  async function get(userId: string, id: string): Promise<Note | null> {
    if (!isId(id)) return null;
    const row = await kysely
      .selectFrom('notes as n')
      .select(NOTE_COLUMNS)
      .where('n.user_id', '=', userId)
      .where('n.id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toNote(row);
  }

  /**
   * A search page (list-query.ts): the matches among the next SEARCH_WINDOW notes, then, if
   * the page is not full, the matches after the window from the full-text index. The two parts
   * cover disjoint ranges of the order, so no note can appear twice.
   */
  async function searchRows(
    userId: string,
    filters: NoteFilters,
    wanted: number,
    before: NotePosition | undefined,
  ): Promise<NoteRow[]> {
    // SQLite walks its full-text index in list order (search.ts), except for a tag, whose
    // notes are walked along note_tags below.
    if (engine === 'sqlite' && filters.tag === undefined)
      return keyOrderSearch(db, userId, filters, wanted, before);
    if (engine === 'postgres') return postgresSearchRows(userId, filters, wanted, before);
    const end = await searchWindowEndQuery(db, userId, filters, before).executeTakeFirst();
    const from: NotePosition | undefined = end && [end.updated_at, end.id];
    const found = await noteWalkQuery(db, userId, filters, wanted, { before, from }).execute();
    if (found.length >= wanted || from === undefined) return found;
    const rest = await matchingNotesQuery(
      db,
      userId,
      filters,
      wanted - found.length,
      from,
    ).execute();
    return found.concat(rest);
  }

  /**
   * searchRows on PostgreSQL, where the window's end and its walk run with bitmap scans turned
   * off: without statistics (a table just filled, autovacuum off) the planner expects a user to
   * have ~170 notes, so for the window's end (OFFSET 499) it reads and sorts all of the user's
   * notes through a bitmap (48 ms for 30,000 notes) instead of walking the list index backwards.
   * The full-text part needs its bitmap (GIN indexes have no other scan) and gets it back.
   */
  async function postgresSearchRows(
    userId: string,
    filters: NoteFilters,
    wanted: number,
    before: NotePosition | undefined,
  ): Promise<NoteRow[]> {
    return kysely.transaction().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw('SET LOCAL enable_bitmapscan = off'));
      const ends = await trx.executeQuery<{ updated_at: string; id: string }>(
        searchWindowEndQuery(db, userId, filters, before).compile(),
      );
      const end = ends.rows[0];
      const from: NotePosition | undefined = end && [end.updated_at, end.id];
      const walked = await trx.executeQuery<NoteRow>(
        noteWalkQuery(db, userId, filters, wanted, { before, from }).compile(),
      );
      const found = walked.rows;
      if (found.length >= wanted || from === undefined) return found;
      await trx.executeQuery(CompiledQuery.raw('SET LOCAL enable_bitmapscan = on'));
      const rest = await trx.executeQuery<NoteRow>(
        matchingNotesQuery(db, userId, filters, wanted - found.length, from).compile(),
      );
      return found.concat(rest.rows);
    });
  }

  return {
    async create(userId, input) {
      const now = new Date().toISOString();
      const note: Note = {
        id: newId(),
        title: input.title,
        body: input.body ?? '',
        tags: uniqueTags(input.tags ?? []),
        pinned: input.pinned ?? false,
        archived: input.archived ?? false,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const insertNote = insertNoteQuery(engine, userId, note, searchColumns(engine, note));
      if (note.tags.length === 0) await kysely.executeQuery(insertNote);
      else
        await kysely.transaction().execute(async (trx) => {
          await trx.executeQuery(insertNote);
          await trx.executeQuery(insertTagsQuery(engine, userId, note));
        });
      return note;
    },

    get,

    async list(userId, filters, limit, after) {
      const rows =
        filters.search.length === 0
          ? await noteWalkQuery(db, userId, filters, limit + 1, { before: after }).execute()
          : await searchRows(userId, filters, limit + 1, after);
      const notes = rows.slice(0, limit).map(toNote);
      const last = notes.at(-1);
      return {
        notes,
        next: rows.length > limit && last ? [last.updated_at, last.id] : null,
      };
    },

    listJson(userId, filters, limit, after) {
      return readNotePage(db, {
        userId,
        archived: filters.archived,
        pinned: filters.pinned,
        tag: filters.tag,
        limit,
        after,
      });
    },

    async update(userId, id, patch, expected) {
      if (isEmptyPatch(patch)) {
        const note = await get(userId, id);
        if (note === null) return failed('not_found');
        return accepts(expected, note.version)
          ? { ok: true, value: note }
          : failed('version_conflict');
      }
      if (!isId(id)) return failed('not_found');
      if (expected?.length === 0) return failed(await missOrConflict(kysely, userId, id));
      const tags = patch.tags === undefined ? undefined : uniqueTags(patch.tags);
      return kysely.transaction().execute(async (trx): Promise<WriteResult<Note>> => {
        const changes: NoteChanges = {
          title: patch.title,
          body: patch.body,
          tags: tags === undefined ? undefined : JSON.stringify(tags),
          pinned: patch.pinned,
          archived: patch.archived,
          ...searchColumns(engine, patch),
        };
        const updated = await trx.executeQuery<NoteRow>(
          updateNoteQuery(engine, userId, id, changes, new Date().toISOString(), expected),
        );
        const row = updated.rows[0];
        if (row === undefined) return failed(await missOrConflict(trx, userId, id));
        const note = toNote(row);
        await syncTags(trx, userId, note, tags !== undefined);
        return { ok: true, value: note };
      });
    },

    async remove(userId, id, expected) {
      if (!isId(id)) return failed('not_found');
      if (expected?.length === 0) return failed(await missOrConflict(kysely, userId, id));
      let statement = kysely.deleteFrom('notes').where('user_id', '=', userId).where('id', '=', id);
      if (expected !== undefined) statement = statement.where('version', 'in', expected);
      const { numDeletedRows } = await statement.executeTakeFirstOrThrow();
      if (numDeletedRows === 0n) return failed(await missOrConflict(kysely, userId, id));
      return { ok: true, value: null };
    },
  };
}
