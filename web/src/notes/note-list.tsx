// The list of notes: search as you type, a tag filter, notes or the archive, pinned notes first
// (two cursor-paged lists from the API, `pinned=true` then `pinned=false`), and more notes as the
// user scrolls. Saves and deletions in the editor show up here at once.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Note } from '../api/types.ts';
import { usePagedList, type PagedList } from '../lib/use-paged-list.ts';
import { Link, replaceQuery } from '../router.tsx';
import { LoadMore } from '../ui/load-more.tsx';
import { Loading, PageHeading } from '../ui/page.tsx';
import { formatDateTime, timeAgo } from '../ui/time.ts';
import { reportError } from '../ui/toasts.tsx';
import { useDebounced } from '../ui/use-debounced.ts';
import { noteEvents, type NoteEvent } from './note-events.ts';
import { listNotes, type NoteFilters } from './notes-api.ts';

const SEARCH_DELAY_MS = 300;
/** Tags seen in this visit, offered by the tag filter (the API has no list of tags). */
const knownTags = new Set<string>();

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}

function NoteItem({
  note,
  selected,
  listQuery,
}: {
  note: Note;
  selected: boolean;
  listQuery: string;
}) {
  return (
    <li>
      <Link
        href={`/notes/${note.id}${listQuery}`}
        class="note-item"
        aria-current={selected ? 'page' : undefined}
      >
        <span class="note-item-title">{note.title}</span>
        {note.body && <span class="note-item-snippet">{snippet(note.body)}</span>}
        <span class="note-item-meta">
          <time dateTime={note.updated_at} title={formatDateTime(note.updated_at)}>
            {timeAgo(note.updated_at)}
          </time>
          {note.tags.map((tag) => (
            <span key={tag} class="tag">
              {tag}
            </span>
          ))}
        </span>
      </Link>
    </li>
  );
}

/** Shows an edit made in the editor: the saved note moves to the top of the list it belongs to. */
function applyEvent(
  event: NoteEvent,
  filters: NoteFilters,
  pinned: PagedList<Note>,
  others: PagedList<Note>,
): void {
  if (event.type === 'deleted') {
    for (const list of [pinned, others])
      list.setItems((items) => items.filter((n) => n.id !== event.id));
    return;
  }
  if (event.type !== 'saved') return;
  const { note } = event;
  const wasListed = [...pinned.items, ...others.items].some((item) => item.id === note.id);
  // Searches are answered by the server: a note it did not find is not added here.
  const belongs =
    note.archived === filters.archived &&
    (!filters.tag || note.tags.includes(filters.tag)) &&
    (!filters.q || wasListed);
  for (const [list, wanted] of [
    [pinned, belongs && note.pinned],
    [others, belongs && !note.pinned],
  ] as const) {
    list.setItems((items) => {
      const rest = items.filter((item) => item.id !== note.id);
      return wanted ? [note, ...rest] : rest;
    });
  }
}

interface NoteListProps {
  filters: NoteFilters;
  selectedId: string | undefined;
  listQuery: string;
}

export function NoteList({ filters, selectedId, listQuery }: NoteListProps) {
  const [search, setSearch] = useState(filters.q);
  const settledSearch = useDebounced(search, SEARCH_DELAY_MS);
  const key = JSON.stringify(filters);
  const pinned = usePagedList(key, (cursor) => listNotes(filters, true, cursor), reportError);
  const others = usePagedList(key, (cursor) => listNotes(filters, false, cursor), reportError);

  // The address is the source of truth; typing updates it once the typing pauses.
  useEffect(() => {
    if (settledSearch !== filters.q) replaceQuery({ q: settledSearch });
  }, [settledSearch]);
  useEffect(() => {
    if (filters.q !== search && filters.q !== settledSearch) setSearch(filters.q);
  }, [filters.q]);

  const current = useRef({ filters, pinned, others });
  current.current = { filters, pinned, others };
  useEffect(
    () =>
      noteEvents.subscribe((event) => {
        const { filters: f, pinned: p, others: o } = current.current;
        applyEvent(event, f, p, o);
      }),
    [],
  );

  for (const note of [...pinned.items, ...others.items])
    for (const tag of note.tags) knownTags.add(tag);
  const tags = [
    ...knownTags,
    ...(filters.tag && !knownTags.has(filters.tag) ? [filters.tag] : []),
  ].sort((a, b) => a.localeCompare(b));
  const loading = pinned.status === 'loading' || others.status === 'loading';
  const empty = !loading && pinned.items.length === 0 && others.items.length === 0;
  const filtered = Boolean(filters.q || filters.tag);
  const title = filters.archived ? 'Archive' : 'Notes';

  return (
    <section class="note-list-pane" aria-labelledby="notes-heading">
      <div class="list-head">
        <PageHeading>
          <span id="notes-heading">{title}</span>
        </PageHeading>
        <Link href={`/notes/new${listQuery}`} class="button-link">
          New note
        </Link>
      </div>
      <nav class="view-switch" aria-label="Notes or archive">
        <Link href="/notes" aria-current={filters.archived ? undefined : 'page'}>
          Notes
        </Link>
        <Link href="/notes?view=archive" aria-current={filters.archived ? 'page' : undefined}>
          Archive
        </Link>
      </nav>
      {/* The labels sit outside Pico's search group, which joins its children into one pill. */}
      <label for="note-search" class="visually-hidden">
        Search notes
      </label>
      <label for="tag-filter" class="visually-hidden">
        Filter by tag
      </label>
      <div class="filters" role="search">
        <input
          id="note-search"
          type="search"
          placeholder="Search notes"
          maxLength={500}
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
        <select
          id="tag-filter"
          value={filters.tag}
          onChange={(e) => replaceQuery({ tag: e.currentTarget.value })}
        >
          <option value="">All tags</option>
          {tags.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </div>
      {loading && <Loading label="Loading notes…" />}
      {empty && (
        <div class="empty-state">
          {filtered ? (
            <>
              <p>No {filters.archived ? 'archived ' : ''}notes match.</p>
              <button
                type="button"
                class="secondary outline"
                onClick={() => {
                  setSearch('');
                  replaceQuery({ q: undefined, tag: undefined });
                }}
              >
                Clear the search
              </button>
            </>
          ) : filters.archived ? (
            <p>Nothing archived. Notes you archive wait here, out of the way.</p>
          ) : (
            <p>
              No notes yet. <Link href="/notes/new">Write your first note</Link>.
            </p>
          )}
        </div>
      )}
      {!loading && pinned.items.length > 0 && (
        <>
          <h2 class="list-section">Pinned</h2>
          <ul class="note-items">
            {pinned.items.map((note) => (
              <NoteItem
                key={note.id}
                note={note}
                selected={note.id === selectedId}
                listQuery={listQuery}
              />
            ))}
          </ul>
          {pinned.hasMore && (
            <LoadMore
              label="More pinned notes"
              busy={pinned.loadingMore}
              onLoad={() => void pinned.loadMore()}
            />
          )}
        </>
      )}
      {!loading && others.items.length > 0 && (
        <>
          {pinned.items.length > 0 && <h2 class="list-section">Others</h2>}
          <ul class="note-items">
            {others.items.map((note) => (
              <NoteItem
                key={note.id}
                note={note}
                selected={note.id === selectedId}
                listQuery={listQuery}
              />
            ))}
          </ul>
          {others.hasMore && (
            <LoadMore
              label="More notes"
              busy={others.loadingMore}
              onLoad={() => void others.loadMore()}
            />
          )}
        </>
      )}
    </section>
  );
}
