// What a search must answer, found without the full-text indexes: the user's whole list, walked
// page by page without a search, kept where the note's words hold every searched word. Tests
// compare the search's own pages against it.
import { parseSearch, searchWords } from '../../src/db/full-text.ts';
import type { NoteFilters, NoteRepo } from '../../src/notes/repo.ts';

export interface SearchCase {
  archived: boolean;
  pinned?: boolean | undefined;
  /** Plain words only (no phrases or prefixes): the oracle checks each word on its own. */
  query: string;
}

/** Every id a list walk returns, `limit` at a time. */
async function walk(notes: NoteRepo, userId: string, filters: NoteFilters, limit: number) {
  const ids: string[] = [];
  let page = await notes.list(userId, filters, limit);
  for (let count = 0; count < 10_000; count++) {
    ids.push(...page.notes.map((note) => `${note.id} ${note.updated_at}`));
    if (page.next === null) return ids;
    page = await notes.list(userId, filters, limit, page.next);
  }
  throw new Error('the list did not end');
}

/** The matching notes (id and updated_at), in list order, from the list without a search. */
export async function allMatches(
  notes: NoteRepo,
  userId: string,
  test: SearchCase,
): Promise<string[]> {
  const wanted = searchWords(test.query);
  const ids: string[] = [];
  let page = await notes.list(
    userId,
    { archived: test.archived, pinned: test.pinned, search: [] },
    100,
  );
  for (;;) {
    for (const note of page.notes) {
      const words = new Set(searchWords(`${note.title} ${note.body}`));
      if (wanted.every((word) => words.has(word))) ids.push(`${note.id} ${note.updated_at}`);
    }
    if (page.next === null) return ids;
    page = await notes.list(
      userId,
      { archived: test.archived, pinned: test.pinned, search: [] },
      100,
      page.next,
    );
  }
}

/** The search's own answer, walked `limit` at a time. */
export function searchPages(
  notes: NoteRepo,
  userId: string,
  test: SearchCase,
  limit: number,
): Promise<string[]> {
  return walk(
    notes,
    userId,
    { archived: test.archived, pinned: test.pinned, search: parseSearch(test.query) },
    limit,
  );
}
