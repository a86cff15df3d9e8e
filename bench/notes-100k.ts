// What a page of notes and a search cost for a user with 100,000 notes, against a user with 10,
// on both engines. Seeds a throwaway database (a temporary SQLite file and a temporary
// PostgreSQL schema, dropped afterwards), then times the repository calls the routes make.
//
//   node_modules/.bin/node bench/notes-100k.ts [notes=100000] [engine=sqlite,postgres]
//
// The notes come from test/helpers/seed-notes.ts: text from a 5,000-word vocabulary with a
// Zipf-like distribution (w1 in most notes, w4000 in about one in 800), tags from tag0 (half the
// notes) to tag39 (about one in 100). The table it prints is in the README.
import { performance } from 'node:perf_hooks';
import { CompiledQuery, type Compilable } from 'kysely';
import { openDatabase, type Db } from '../src/db/connect.ts';
import { parseSearch } from '../src/db/full-text.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { matchingNotesQuery, noteWalkQuery } from '../src/notes/list-query.ts';
import { noteRepo, type NoteFilters, type NoteRepo } from '../src/notes/repo.ts';
import { keyWalkQuery } from '../src/notes/search.ts';
import { testConfig } from '../test/helpers/app.ts';
import { createTestDatabase, type TestEngine } from '../test/helpers/databases.ts';
import { insertUser, seedNotes } from '../test/helpers/seed-notes.ts';

const NOTES = Number(process.argv[2] ?? 100_000);
const ENGINES = (process.argv[3] ?? 'sqlite,postgres').split(',') as TestEngine['name'][];
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

/** How many of the user's notes the filters match (every page, 100 at a time). */
async function countMatches(notes: NoteRepo, userId: string, filter: NoteFilters): Promise<number> {
  let count = 0;
  let page = await notes.list(userId, filter, 100);
  for (;;) {
    count += page.notes.length;
    if (page.next === null) return count;
    page = await notes.list(userId, filter, 100, page.next);
  }
}

async function run(engineName: TestEngine['name']): Promise<void> {
  const database = await createTestDatabase({ name: engineName });
  const db = openDatabase(testConfig(database.env));
  try {
    await migrateToLatest(db);
    const big = await insertUser(db, 'big');
    const small = await insertUser(db, 'small');
    const begin = performance.now();
    await seedNotes(db, big, NOTES);
    await seedNotes(db, small, 10, 7);
    await db.kysely.executeQuery(CompiledQuery.raw('ANALYZE'));
    console.log(
      `\n## ${engineName}: seeded ${NOTES} notes in ${((performance.now() - begin) / 1000).toFixed(1)} s`,
    );
    const notes = noteRepo(db);
    const deep = await notes.list(big, filters(), 20);
    let after = deep.next!;
    for (let page = 0; page < 50; page++)
      after = (await notes.list(big, filters(), 20, after)).next!;

    const commonNext = (await notes.list(big, filters({ q: 'w1' }), 20)).next!;
    const cases: [string, string, NoteFilters, typeof after | undefined][] = [
      ['first page, user with 10 notes', small, filters(), undefined],
      ['first page', big, filters(), undefined],
      ['page 52 (by cursor)', big, filters(), after],
      ['pinned=true', big, filters({ pinned: true }), undefined],
      ['archived=true', big, filters({ archived: true }), undefined],
      ['tag=tag0', big, filters({ tag: 'tag0' }), undefined],
      ['tag=tag39', big, filters({ tag: 'tag39' }), undefined],
      ['q=w1 (common word)', big, filters({ q: 'w1' }), undefined],
      ['q=w300', big, filters({ q: 'w300' }), undefined],
      ['q=w4000 (rare word)', big, filters({ q: 'w4000' }), undefined],
      ['q=w2 w30 (two words)', big, filters({ q: 'w2 w30' }), undefined],
      ['q="w1 w2" (phrase)', big, filters({ q: '"w1 w2"' }), undefined],
      ['q=w49* (prefix)', big, filters({ q: 'w49*' }), undefined],
      ['q=w4000&tag=tag0', big, filters({ q: 'w4000', tag: 'tag0' }), undefined],
      ['q=w1, page 2 (by cursor)', big, filters({ q: 'w1' }), commonNext],
      ['q=zzz (no match)', big, filters({ q: 'zzz' }), undefined],
    ];
    console.log('| query | median ms | matching notes |\n|---|---:|---:|');
    for (const [label, userId, filter, position] of cases) {
      const ms = await time(() => notes.list(userId, filter, 20, position));
      console.log(`| ${label} | ${ms.toFixed(3)} | ${await countMatches(notes, userId, filter)} |`);
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
    if (db.engine === 'sqlite') {
      const keyWalk = keyWalkQuery(big, filters({ q: 'w1' }), { limit: 21 });
      plans.push(['search without a tag, in key order', { compile: () => keyWalk }]);
    }
    for (const [label, query] of plans) console.log(`\n${label}:\n    ${await planOf(db, query)}`);
  } finally {
    await db.close();
    await database.drop();
  }
}

for (const engine of ENGINES) await run(engine);
