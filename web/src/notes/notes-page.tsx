// /notes, /notes/new and /notes/:id: the list beside the open note on wide screens, one at a time
// on phones. The list's filters live in the address (?q=, ?tag=, ?view=archive), so reloading,
// the back button and shared links keep them.
import { useRef } from 'preact/hooks';
import type { Note } from '../api/types.ts';
import { useStore } from '../lib/store.ts';
import { location, navigate } from '../router.tsx';
import { usePageTitle } from '../ui/page.tsx';
import { NoteEditor } from './note-editor.tsx';
import { NoteList } from './note-list.tsx';
import './notes.css';
import type { NoteFilters } from './notes-api.ts';

export function readFilters(query: URLSearchParams): NoteFilters {
  return {
    q: query.get('q') ?? '',
    tag: query.get('tag') ?? '',
    archived: query.get('view') === 'archive',
  };
}

export function filterQuery(filters: NoteFilters): string {
  const query = new URLSearchParams();
  if (filters.q) query.set('q', filters.q);
  if (filters.tag) query.set('tag', filters.tag);
  if (filters.archived) query.set('view', 'archive');
  const search = query.toString();
  return search ? `?${search}` : '';
}

export function NotesPage({ noteId }: { noteId: string | undefined }) {
  const here = useStore(location);
  const filters = readFilters(here.query);
  const listQuery = filterQuery(filters);
  usePageTitle(filters.archived ? 'Archive' : 'Notes');

  // A new note keeps its editor (and the caret) when it is created and the address gains its
  // id; opening "New note" again starts a fresh editor.
  const newEditors = useRef(0);
  const previousId = useRef<string | undefined>(undefined);
  const created = useRef<{ id: string; key: string } | undefined>(undefined);
  if (noteId === 'new' && previousId.current !== 'new') newEditors.current += 1;
  previousId.current = noteId;
  const adopted = created.current;
  const editorKey =
    noteId === 'new'
      ? `new-${newEditors.current}`
      : adopted && noteId === adopted.id
        ? adopted.key
        : noteId;

  function onCreated(note: Note): void {
    created.current = { id: note.id, key: `new-${newEditors.current}` };
    previousId.current = note.id;
    navigate(`/notes/${note.id}${listQuery}`, { replace: true });
  }

  return (
    <div class={`notes-layout${noteId ? ' has-note' : ''}`}>
      <NoteList filters={filters} selectedId={noteId} listQuery={listQuery} />
      <div class="note-pane">
        {noteId ? (
          <NoteEditor
            key={editorKey}
            id={noteId}
            listHref={`/notes${listQuery}`}
            onCreated={onCreated}
          />
        ) : (
          <p class="empty-pane">Choose a note, or start a new one.</p>
        )}
      </div>
    </div>
  );
}
