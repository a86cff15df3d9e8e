// Full-text search pages that cost about what a list page costs on a user with 100,000 notes
// (issue 9).
//
// SQLite: the full-text index in list order, so that a search page reads about as many index
// entries as it shows, however many of the user's notes match.
// FTS5 returns the matches of a query in rowid order lazily: `ORDER BY rowid DESC LIMIT n` stops
// after n matches, where ordering by anything else makes it find every match first. So:
// - `notes.seq` (the FTS5 rowid) becomes an order key: the note's `updated_at` in milliseconds
//   since 2020 times 4096, plus a counter among the notes changed in the same millisecond
//   (`orderKeySql` below). The key moves with every change of the note. Key order is list order
//   at millisecond resolution; notes of one millisecond are put in order by id after the read
//   (src/notes/search.ts). Keys stay below 2^53 until 2089, so they are exact JavaScript numbers;
// - the FTS5 table gets a second column, `owner`, with tokens naming the note's user, archived
//   state and pinned state, so a search matches `owner : "<user, archived>" AND words : (...)`
//   and walks only the user's notes of that list. User words can never match an owner token:
//   searches name the `words` column.
// An insert that does not set a key (a backup import, a hand-written INSERT) gets one from the
// `notes_order_key` trigger; the application sets it in its INSERT and UPDATE (write-sql.ts).
//
// PostgreSQL: the GIN index without its pending list (`fastupdate = off`). With it, new entries
// wait in an unsorted list of up to gin_pending_list_limit (4 MB) that every search reads whole
// until a VACUUM merges it: ~9,000 notes' entries made a rare-word search on 100,000 notes cost
// 8.5 ms of CPU instead of 3.6 ms, and a server with autovacuum off never merges it. Writing the
// entries at once cost no measurable CPU per note created (1.1–1.8 ms either way).
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../connect.ts';

/** Milliseconds of 2020-01-01T00:00:00Z, where keys start from 0. */
const KEY_EPOCH_MS = 1_577_836_800_000;
/** Keys per millisecond. */
export const KEYS_PER_MS = 4096;

/** The first order key of the millisecond of `timestamp` (an SQL expression of an ISO time). */
export function keyBaseSql(timestamp: string): string {
  // A time SQLite cannot read (none the application writes) counts as 2020-01-01: such a note is
  // still indexed and found, only its place in the order is not its updated_at's.
  return `((coalesce(CAST(round(unixepoch(${timestamp}, 'subsec') * 1000) AS INTEGER), ${KEY_EPOCH_MS}) - ${KEY_EPOCH_MS}) * ${KEYS_PER_MS})`;
}

/** A new, unused order key for `timestamp`: the next one after its millisecond's last. */
export function orderKeySql(timestamp: string): string {
  const base = keyBaseSql(timestamp);
  return `coalesce((SELECT max(seq) + 1 FROM notes WHERE seq >= ${base} AND seq < ${base} + ${KEYS_PER_MS}), ${base})`;
}

/** The owner tokens of a note (SQL expression over `row`): user and archived, then + pinned. */
function ownerSql(row: string): string {
  const list = `'o' || replace(${row}.user_id, '-', '') || 'a' || ${row}.archived`;
  return `${list} || ' ' || ${list} || 'p' || ${row}.pinned`;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  if (engine === 'sqlite') await keySqliteSearch(db);
  else await flushGinPendingList(db);
}

async function flushGinPendingList(db: Kysely<any>): Promise<void> {
  await sql`ALTER INDEX notes_search_idx SET (fastupdate = off)`.execute(db);
  // What waits in the list already is merged now; nothing is added to it from here on.
  await sql`SELECT gin_clean_pending_list('notes_search_idx'::regclass)`.execute(db);
}

async function keySqliteSearch(db: Kysely<any>): Promise<void> {
  for (const trigger of ['notes_fts_insert', 'notes_fts_delete', 'notes_fts_update'])
    await sql.raw(`DROP TRIGGER ${trigger}`).execute(db);
  await sql`DROP TABLE notes_fts`.execute(db);

  // Existing notes get their keys in two steps (negative first) so no key is ever taken twice.
  await sql`UPDATE notes SET seq = -seq`.execute(db);
  await sql
    .raw(
      `UPDATE notes SET seq = k.key FROM (
        SELECT seq AS old, base + row_number() OVER (PARTITION BY base ORDER BY seq DESC) - 1 AS key
        FROM (SELECT seq, ${keyBaseSql('updated_at')} AS base FROM notes)
      ) AS k WHERE notes.seq = k.old`,
    )
    .execute(db);

  await sql`CREATE VIRTUAL TABLE notes_fts USING fts5(words, owner, content='', contentless_delete=1, tokenize='ascii')`.execute(
    db,
  );
  await sql
    .raw(
      `INSERT INTO notes_fts(rowid, words, owner)
       SELECT seq, jotter_search_document(title, body), ${ownerSql('notes')} FROM notes`,
    )
    .execute(db);

  // Every trigger below is for either keyed rows or unkeyed ones, never both, so the order in
  // which SQLite fires the triggers of one statement cannot matter.
  const base = (row: string) => keyBaseSql(`${row}.updated_at`);
  const keyed = (row: string) =>
    `(${row}.seq >= ${base(row)} AND ${row}.seq < ${base(row)} + ${KEYS_PER_MS})`;
  const index = `INSERT INTO notes_fts(rowid, words, owner)
    VALUES (new.seq, jotter_search_document(new.title, new.body), ${ownerSql('new')});`;
  await sql
    .raw(
      `CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes WHEN ${keyed('new')} BEGIN ${index} END`,
    )
    .execute(db);
  // A row without its key (an import, a hand-written statement) gets one here; the change of
  // seq then indexes it (notes_fts_update).
  const rekey = `UPDATE notes SET seq = ${orderKeySql('new.updated_at')} WHERE seq = new.seq;`;
  await sql
    .raw(
      `CREATE TRIGGER notes_order_key_insert AFTER INSERT ON notes WHEN NOT ${keyed('new')} BEGIN ${rekey} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER notes_order_key_update AFTER UPDATE OF seq, updated_at ON notes WHEN NOT ${keyed('new')} BEGIN ${rekey} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER notes_fts_update AFTER UPDATE OF seq, title, body, archived, pinned ON notes WHEN ${keyed('new')} BEGIN
        DELETE FROM notes_fts WHERE rowid = old.seq;
        ${index}
      END`,
    )
    .execute(db);
  // Also on the cascade from a deleted user: SQLite runs triggers for foreign-key actions.
  await sql`CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.seq;
  END`.execute(db);
}
