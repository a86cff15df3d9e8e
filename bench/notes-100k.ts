// What a page of notes and a search cost for a user with 100,000 notes, against a user with 10,
// on both engines. Seeds a throwaway database (a temporary SQLite file and a temporary
// PostgreSQL schema, dropped afterwards), then times the repository calls the routes make.
//
//   node_modules/.bin/node bench/notes-100k.ts [notes=100000] [engine=sqlite,postgres]
//
// Text is drawn from a 5,000-word vocabulary with a Zipf-like distribution, so some words are in
// most notes and others in a handful, as in real writing.
import { performance } from 'node:perf_hooks';
import { CompiledQuery, type Compilable, type Insertable } from 'kysely';
import { openDatabase, type Db } from '../src/db/connect.ts';
import { parseSearch } from '../src/db/full-text.ts';
import { newId } from '../src/db/ids.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { NoteTagsTable, NotesTable } from '../src/db/schema.ts';
import { matchingNotesQuery, noteWalkQuery } from '../src/notes/list-query.ts';
import { noteRepo, uniqueTags, type NoteFilters } from '../src/notes/repo.ts';
import { searchColumns } from '../src/notes/search.ts';
import { testConfig } from '../test/helpers/app.ts';
import { createTestDatabase, type TestEngine } from '../test/helpers/databases.ts';

const NOTES = Number(process.argv[2] ?? 100_000);
const ENGINES = (process.argv[3] ?? 'sqlite,postgres').split(',') as TestEngine['name'][];
const VOCABULARY = 5_000;
const TAGS = Array.from({ length: 40 }, (_, index) => `tag${index}`);

// A small deterministic generator (mulberry32), so runs are comparable.
let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** Word rank r has weight 1/r: "w1" is in most notes, "w4000" in very few. */
const WEIGHTS = Array.from({ length: VOCABULARY }, (_, index) => 1 / (index + 1));
const CUMULATIVE = WEIGHTS.map(
  (
    (sum) => (weight: number) =>
      (sum += weight)
  )(0),
);
const TOTAL = CUMULATIVE.at(-1)!;
function word(): string {
  const target = random() * TOTAL;
  let low = 0;
  let high = VOCABULARY - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (CUMULATIVE[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return `w${low + 1}`;
}
function words(count: number): string {
  return Array.from({ length: count }, word).join(' ');
}

async function createUser(db: Db, label: string): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('users')
    .values({
      id,
      email: `${label}-${id}@example.com`,
      email_lower: `${label}-${id}@example.com`,
      password_hash: 'x',
      name: label,
      role: 'user',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Inserts notes in batches, as createNote would write them (tags, search vectors). */
async function seedNotes(db: Db, userId: string, count: number): Promise<void> {
  const start = Date.parse('2020-01-01T00:00:00Z');
  const batch = 500;
  for (let offset = 0; offset < count; offset += batch) {
    const notes: Insertable<NotesTable>[] = [];
    const tagRows: Insertable<NoteTagsTable>[] = [];
    for (let index = offset; index < Math.min(count, offset + batch); index++) {
      const at = new Date(start + index * 60_000).toISOString();
      const title = words(3 + Math.floor(random() * 4));
      const body = words(20 + Math.floor(random() * 60));
      // tag0 is on half the notes, tag39 on about one in 500.
      const tags = uniqueTags(
        TAGS.filter((_, rank) => random() < 0.5 / (rank + 1) ** 1.5).slice(0, 3),
      );
      const archived = random() < 0.1;
      const id = newId();
      notes.push({
        id,
        user_id: userId,
        title,
        body,
        tags: JSON.stringify(tags),
        pinned: random() < 0.02,
        archived,
        version: 1,
        created_at: at,
        updated_at: at,
        ...searchColumns(db.engine, { title, body }),
      });
      for (const tag of tags)
        tagRows.push({ note_id: id, tag, user_id: userId, archived, updated_at: at });
    }
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values(notes).execute();
      if (tagRows.length > 0) await trx.insertInto('note_tags').values(tagRows).execute();
    });
  }
  await db.kysely.executeQuery(CompiledQuery.raw('ANALYZE'));
}

async function time(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    const begin = performance.now();
    await run();
    samples.push(performance.now() - begin);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function filters(extra: Partial<NoteFilters> & { q?: string } = {}): NoteFilters {
  return {
    archived: extra.archived ?? false,
    pinned: extra.pinned,
    tag: extra.tag,
    search: parseSearch(extra.q ?? ''),
  };
}

async function planOf(db: Db, query: Compilable): Promise<string> {
  const compiled = query.compile();
  if (db.engine === 'sqlite') {
    const result = await db.kysely.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows.map((row) => row.detail).join('; ');
  }
  const result = await db.kysely.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS OFF) ${compiled.sql}`, [...compiled.parameters]),
  );
  return result.rows.map((row) => row['QUERY PLAN']).join('\n    ');
}

async function run(engineName: TestEngine['name']): Promise<void> {
  const database = await createTestDatabase({ name: engineName });
  const db = openDatabase(testConfig(database.env));
  try {
    await migrateToLatest(db);
    const big = await createUser(db, 'big');
    const small = await createUser(db, 'small');
    let begin = performance.now();
    await seedNotes(db, big, NOTES);
    await seedNotes(db, small, 10);
    console.log(
      `\n## ${engineName}: seeded ${NOTES} notes in ${((performance.now() - begin) / 1000).toFixed(1)} s`,
    );
    const notes = noteRepo(db);
    const deep = await notes.list(big, filters(), 20);
    let after = deep.next!;
    for (let page = 0; page < 50; page++)
      after = (await notes.list(big, filters(), 20, after)).next!;

    const cases: [string, string, NoteFilters, typeof after | undefined][] = [
      ['first page, user with 10 notes', small, filters(), undefined],
      ['first page', big, filters(), undefined],
      ['page 52 (by cursor)', big, filters(), after],
      ['pinned=true', big, filters({ pinned: true }), undefined],
      ['archived=true', big, filters({ archived: true }), undefined],
      ['tag (on ~50% of notes)', big, filters({ tag: 'tag0' }), undefined],
      ['tag (on ~0.2% of notes)', big, filters({ tag: 'tag39' }), undefined],
      ['q: common word (w1)', big, filters({ q: 'w1' }), undefined],
      ['q: rare word (w4000)', big, filters({ q: 'w4000' }), undefined],
      ['q: two words (w2 w30)', big, filters({ q: 'w2 w30' }), undefined],
      ['q: phrase ("w1 w2")', big, filters({ q: '"w1 w2"' }), undefined],
      ['q: prefix (w49*)', big, filters({ q: 'w49*' }), undefined],
      ['q: no match (zzz)', big, filters({ q: 'zzz' }), undefined],
    ];
    console.log('| query | median ms | notes |\n|---|---:|---:|');
    for (const [label, userId, filter, position] of cases) {
      let count = 0;
      const ms = await time(async () => {
        count = (await notes.list(userId, filter, 20, position)).notes.length;
      });
      console.log(`| ${label} | ${ms.toFixed(3)} | ${count} |`);
    }
    const plans: [string, Compilable][] = [
      ['first page', noteWalkQuery(db, big, filters(), 21)],
      ['tag', noteWalkQuery(db, big, filters({ tag: 'tag39' }), 21)],
      ['search window, rare word', noteWalkQuery(db, big, filters({ q: 'w4000' }), 21)],
      [
        'search index, rare word',
        matchingNotesQuery(db, big, filters({ q: 'w4000' }), 21, undefined),
      ],
    ];
    for (const [label, query] of plans) console.log(`\n${label}:\n    ${await planOf(db, query)}`);
  } finally {
    await db.close();
    await database.drop();
  }
}

for (const engine of ENGINES) await run(engine);
