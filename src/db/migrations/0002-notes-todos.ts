// Notes (with their tags and full-text index) and to-dos.
//
// Every list is read through an index that starts with `user_id` and ends with the list's sort
// order, so the first page of a user with 100,000 notes reads about as many index entries as
// that of a user with 10 (test/notes/query-plan.test.ts checks the plans on both engines):
// - notes, newest first: (user_id, archived, updated_at, id), and with `pinned` in front of the
//   order for the pinned filter;
// - notes with a tag: note_tags repeats the note's `archived` and `updated_at`, so a tag's notes
//   are read in order from (user_id, tag, archived, updated_at, note_id) however rare the tag;
// - to-dos: (user_id, due_order, created_at, id), and with `done` in front for the done filter.
//   `due_order` is `due_date` with undated to-dos after every date, so one ascending order puts
//   nulls last on both engines.
//
// Full-text search (src/db/full-text.ts finds the words on both engines):
// - SQLite: a contentless FTS5 table keyed by `notes.seq`, an INTEGER PRIMARY KEY (a plain
//   rowid may change on VACUUM, which would point the index at the wrong notes); triggers keep
//   it in step, calling `jotter_search_document(title, body)`, the JavaScript function
//   sqlite-driver.ts registers on every connection;
// - PostgreSQL: tsvectors of the title and of the body, written by the application with each
//   change of the text, under a GIN index on their concatenation.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../connect.ts';

/** Sorts after every YYYY-MM-DD date: the `due_order` of a to-do without a due date. */
const UNDATED_ORDER = '9999-99-99';

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  await createNotes(db, engine);
  await createNoteTags(db);
  if (engine === 'sqlite') await createSqliteSearch(db);
  else await createPostgresSearch(db);
  await createTodos(db);
}

async function createNotes(db: Kysely<any>, engine: Engine): Promise<void> {
  let table = db.schema.createTable('notes');
  table =
    engine === 'sqlite'
      ? table
          .addColumn('seq', 'integer', (col) => col.primaryKey())
          .addColumn('id', 'text', (col) => col.notNull().unique())
      : table.addColumn('id', 'text', (col) => col.primaryKey());
  table = table
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('tags', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('pinned', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('archived', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull());
  if (engine === 'postgres') {
    table = table
      .addColumn('search_title', sql`tsvector`, (col) => col.notNull().defaultTo(sql`''`))
      .addColumn('search_body', sql`tsvector`, (col) => col.notNull().defaultTo(sql`''`));
  }
  await table.execute();
  await db.schema
    .createIndex('notes_user_updated_idx')
    .on('notes')
    .columns(['user_id', 'archived', 'updated_at', 'id'])
    .execute();
  await db.schema
    .createIndex('notes_user_pinned_updated_idx')
    .on('notes')
    .columns(['user_id', 'archived', 'pinned', 'updated_at', 'id'])
    .execute();
}

async function createNoteTags(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('note_tags')
    .addColumn('note_id', 'text', (col) => col.notNull().references('notes.id').onDelete('cascade'))
    .addColumn('tag', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    // Copies of the note's columns, updated with it, so a tag's notes page in index order.
    .addColumn('archived', 'boolean', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('note_tags_pk', ['note_id', 'tag'])
    .execute();
  await db.schema
    .createIndex('note_tags_user_tag_idx')
    .on('note_tags')
    .columns(['user_id', 'tag', 'archived', 'updated_at', 'note_id'])
    .execute();
}

async function createSqliteSearch(db: Kysely<any>): Promise<void> {
  // Contentless: the index keeps only what it needs to match; the text lives in `notes`.
  await sql`CREATE VIRTUAL TABLE notes_fts USING fts5(words, content='', contentless_delete=1, tokenize='ascii')`.execute(
    db,
  );
  await sql`CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, words) VALUES (new.seq, jotter_search_document(new.title, new.body));
  END`.execute(db);
  // Also on the cascade from a deleted user: SQLite runs triggers for foreign-key actions.
  await sql`CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.seq;
  END`.execute(db);
  await sql`CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN
    DELETE FROM notes_fts WHERE rowid = old.seq;
    INSERT INTO notes_fts(rowid, words) VALUES (new.seq, jotter_search_document(new.title, new.body));
  END`.execute(db);
}

async function createPostgresSearch(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX notes_search_idx ON notes USING gin ((search_title || search_body))`.execute(
    db,
  );
}

async function createTodos(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('todos')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('done', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('due_date', 'text')
    .addColumn('due_order', 'text', (col) =>
      col
        .notNull()
        .generatedAlwaysAs(sql`coalesce(due_date, ${sql.lit(UNDATED_ORDER)})`)
        .stored(),
    )
    .addColumn('completed_at', 'text')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('todos_user_due_idx')
    .on('todos')
    .columns(['user_id', 'due_order', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('todos_user_done_due_idx')
    .on('todos')
    .columns(['user_id', 'done', 'due_order', 'created_at', 'id'])
    .execute();
}
