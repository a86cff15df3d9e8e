// Many notes quickly, written as the notes repository writes them (note_tags rows, PostgreSQL
// search vectors; SQLite's triggers index the text), for query-plan tests and the benchmark.
// Text comes from a 5,000-word vocabulary with a Zipf-like distribution (word wN has weight 1/N),
// so `w1` is in most notes and `w4000` in few, as in real writing. Deterministic for a seed.
import type { Insertable } from 'kysely';
import type { Db } from '../../src/db/connect.ts';
import { newId } from '../../src/db/ids.ts';
import type { NoteTagsTable, NotesTable } from '../../src/db/schema.ts';
import { searchColumns } from '../../src/notes/search.ts';

const VOCABULARY = 5_000;
const TAGS = Array.from({ length: 40 }, (_, index) => `tag${index}`);

/** mulberry32: a small seeded generator. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CUMULATIVE: number[] = [];
let total = 0;
for (let rank = 1; rank <= VOCABULARY; rank++) CUMULATIVE.push((total += 1 / rank));

function wordOf(random: () => number): string {
  const target = random() * total;
  let low = 0;
  let high = VOCABULARY - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (CUMULATIVE[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return `w${low + 1}`;
}

export async function insertUser(db: Db, label: string): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  const email = `${label}-${id}@example.com`;
  await db.kysely
    .insertInto('users')
    .values({
      id,
      email,
      email_lower: email,
      password_hash: 'not a hash: this account cannot log in',
      name: label,
      role: 'user',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/**
 * Inserts `count` notes for the user, one minute apart from 2020 on, in batches. About 10% are
 * archived and 2% pinned; tag `tagN` is on a share of notes falling with N (tag0 on about half).
 */
export async function seedNotes(db: Db, userId: string, count: number, seed = 42): Promise<void> {
  const random = generator(seed);
  const words = (length: number) => Array.from({ length }, () => wordOf(random)).join(' ');
  const start = Date.parse('2020-01-01T00:00:00Z');
  const batch = 500;
  for (let offset = 0; offset < count; offset += batch) {
    const notes: Insertable<NotesTable>[] = [];
    const tagRows: Insertable<NoteTagsTable>[] = [];
    for (let index = offset; index < Math.min(count, offset + batch); index++) {
      const at = new Date(start + index * 60_000).toISOString();
      const title = words(3 + Math.floor(random() * 4));
      const body = words(20 + Math.floor(random() * 60));
      const tags = TAGS.filter((_, rank) => random() < 0.5 / (rank + 1)).slice(0, 5);
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
}
