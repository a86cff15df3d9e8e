// Notes storage. Every query is scoped by the owner's id (`WHERE user_id = ? AND id = ?`), so
// another user's note, a deleted one and a malformed id are all the same miss. Writes that
// depend on a version check it in the writing statement itself (src/db/versioned.ts).
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Db, Engine } from '../db/connect.ts';
import { groupCommit } from '../db/group-commit.ts';
import { isId, newId } from '../db/ids.ts';
import type { Database } from '../db/schema.ts';
import type { NodeSqliteDatabase } from '../db/sqlite-driver.ts';
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
import { NOTE_COLUMNS, type NoteRow } from './order.ts';
import {
  deleteNoteQuery,
  insertNoteQuery,
  insertTagsQuery,
  noteVersionQuery,
  syncTagsQueries,
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

/** Runs a compiled statement on the SQLite connection itself (inside a group commit). */
function run(sqlite: NodeSqliteDatabase, query: CompiledQuery): number {
  return Number(sqlite.prepare(query.sql).run(query.parameters).changes);
}

function rows<R>(sqlite: NodeSqliteDatabase, query: CompiledQuery): R[] {
  return sqlite.prepare(query.sql).all(query.parameters) as R[];
}

type Executor = Kysely<Database> | Transaction<Database>;

async function missOrConflict(
  db: Executor,
  engine: Engine,
  userId: string,
  id: string,
): Promise<WriteFailure> {
  const found = await db.executeQuery(noteVersionQuery(engine, userId, id));
  return found.rows.length === 0 ? 'not_found' : 'version_conflict';
}

function missOrConflictIn(sqlite: NodeSqliteDatabase, userId: string, id: string): WriteFailure {
  return rows(sqlite, noteVersionQuery('sqlite', userId, id)).length === 0
    ? 'not_found'
    : 'version_conflict';
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
  // On SQLite, writes commit in groups (src/db/group-commit.ts); PostgreSQL commits each alone.
  const commits = engine === 'sqlite' ? groupCommit(db) : undefined;

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
      const insertTags = note.tags.length === 0 ? undefined : insertTagsQuery(engine, userId, note);
      if (commits !== undefined) {
        await commits.run((sqlite) => {
          run(sqlite, insertNote);
          if (insertTags !== undefined) run(sqlite, insertTags);
        });
      } else if (insertTags === undefined) await kysely.executeQuery(insertNote);
      else
        await kysely.transaction().execute(async (trx) => {
          await trx.executeQuery(insertNote);
          await trx.executeQuery(insertTags);
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
      if (expected?.length === 0) return failed(await missOrConflict(kysely, engine, userId, id));
      const tags = patch.tags === undefined ? undefined : uniqueTags(patch.tags);
      const changes: NoteChanges = {
        title: patch.title,
        body: patch.body,
        tags: tags === undefined ? undefined : JSON.stringify(tags),
        pinned: patch.pinned,
        archived: patch.archived,
        ...searchColumns(engine, patch),
      };
      const update = updateNoteQuery(
        engine,
        userId,
        id,
        changes,
        new Date().toISOString(),
        expected,
      );
      // The same statements on both engines: synchronously inside a group commit on SQLite, in a
      // transaction of their own on PostgreSQL.
      if (commits !== undefined) {
        return commits.run((sqlite): WriteResult<Note> => {
          const row = rows<NoteRow>(sqlite, update)[0];
          if (row === undefined) return failed(missOrConflictIn(sqlite, userId, id));
          const note = toNote(row);
          for (const query of syncTagsQueries(engine, userId, note, tags !== undefined))
            run(sqlite, query);
          return { ok: true, value: note };
        });
      }
      return kysely.transaction().execute(async (trx): Promise<WriteResult<Note>> => {
        const row = (await trx.executeQuery<NoteRow>(update)).rows[0];
        if (row === undefined) return failed(await missOrConflict(trx, engine, userId, id));
        const note = toNote(row);
        for (const query of syncTagsQueries(engine, userId, note, tags !== undefined))
          await trx.executeQuery(query);
        return { ok: true, value: note };
      });
    },

    async remove(userId, id, expected) {
      if (!isId(id)) return failed('not_found');
      if (expected?.length === 0) return failed(await missOrConflict(kysely, engine, userId, id));
      const remove = deleteNoteQuery(engine, userId, id, expected);
      if (commits !== undefined) {
        return commits.run((sqlite): WriteResult<null> =>
          run(sqlite, remove) === 0
            ? failed(missOrConflictIn(sqlite, userId, id))
            : { ok: true, value: null },
        );
      }
      const { numAffectedRows } = await kysely.executeQuery(remove);
      if (numAffectedRows === 0n) return failed(await missOrConflict(kysely, engine, userId, id));
      return { ok: true, value: null };
    },
  };
}
