// The note editor: title, tags and text, pin and archive, with the save state always visible.
// Saving is automatic (and Ctrl+S or the Save button saves at once); a conflict or a note deleted
// elsewhere stops autosave and asks the user what to do with their text.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Note } from '../api/types.ts';
import { beforeSignOut } from '../auth/auth-state.ts';
import { useStore } from '../lib/store.ts';
import { hasNavigated, Link, navigate } from '../router.tsx';
import { reportError, showToast } from '../ui/toasts.tsx';
import { ConflictPanel } from './conflict-panel.tsx';
import { draftOf, parseTags } from './drafts.ts';
import { noteEvents } from './note-events.ts';
import { openNoteSession, type SaveState } from './note-session.ts';
import { createNote } from './notes-api.ts';

const STATUS_TEXT: Record<SaveState, string> = {
  saved: 'Saved',
  dirty: 'Unsaved changes',
  saving: 'Saving…',
  'needs-title': 'Add a title to save',
  retrying: 'Not saved yet, retrying…',
  invalid: 'Not saved: check the fields marked below',
  conflict: 'Not saved: changed elsewhere',
  'deleted-elsewhere': 'Not saved: deleted elsewhere',
};

export interface NoteEditorProps {
  id: string;
  /** Where "back" and a deletion lead: the list with its filters. */
  listHref: string;
  onCreated: (note: Note) => void;
}

export function NoteEditor({ id, listHref, onCreated }: NoteEditorProps) {
  // One session per editor: a new note keeps its session when it gets its id.
  const session = useMemo(() => openNoteSession(id, onCreated), []);
  const state = useStore(session.state);
  const { draft, save, phase } = state;
  const region = useRef<HTMLElement>(null);
  const titleInput = useRef<HTMLInputElement>(null);
  const [tagText, setTagText] = useState(draft.tags.join(', '));
  const unsaved = save !== 'saved';

  useEffect(() => () => session.close(), [session]);
  useEffect(() => beforeSignOut(session.saveNow), [session]);
  // A new note starts in its title; an opened one puts the reading position on the note.
  const loaded = phase !== 'loading';
  useEffect(() => {
    if (!loaded) return;
    if (id === 'new') titleInput.current?.focus();
    else if (hasNavigated) region.current?.focus({ preventScroll: true });
  }, [loaded]);
  // Tags replaced from outside (loading, a conflict resolved) update the text field.
  useEffect(() => {
    if (parseTags(tagText).join('\n') !== draft.tags.join('\n')) setTagText(draft.tags.join(', '));
  }, [draft.tags.join('\n')]);
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsaved]);

  if (phase === 'loading') return <p aria-busy="true">Opening the note…</p>;
  if (phase === 'missing' || phase === 'failed') {
    return (
      <section class="note-editor" ref={region} tabIndex={-1} aria-label="Note">
        <p>
          {phase === 'missing'
            ? 'This note does not exist or was deleted.'
            : 'The note could not be opened.'}
        </p>
        <Link href={listHref}>Back to all notes</Link>
      </section>
    );
  }

  const locked = save === 'conflict';
  const isNew = !state.base;

  async function remove(): Promise<void> {
    try {
      const deleted = await session.remove();
      navigate(listHref);
      if (!deleted) return;
      showToast(`Deleted “${deleted.title}”`, {
        action: {
          label: 'Undo',
          run: () => {
            createNote(draftOf(deleted)).then((note) => {
              noteEvents.set({ type: 'saved', note });
              showToast(`Restored “${note.title}”`);
            }, reportError);
          },
        },
      });
    } catch (error) {
      reportError(error);
    }
  }

  function toggle(field: 'pinned' | 'archived'): void {
    session.edit({ [field]: !draft[field] });
    void session.saveNow();
  }

  function onKeyDown(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void session.saveNow();
    }
  }

  return (
    <section
      class="note-editor"
      ref={region}
      tabIndex={-1}
      aria-labelledby="editor-heading"
      onKeyDown={onKeyDown}
    >
      <div class="editor-bar">
        <Link href={listHref} class="back-link">
          ← All notes
        </Link>
        <h2 id="editor-heading" class="visually-hidden">
          {isNew ? 'New note' : `Edit note: ${draft.title}`}
        </h2>
        <p class={`save-state save-${save}`} role="status">
          {STATUS_TEXT[save]}
        </p>
        <div class="editor-actions">
          <button
            type="submit"
            form="note-form"
            class="small"
            disabled={locked || save === 'saved' || save === 'saving'}
          >
            Save
          </button>
          <button
            type="button"
            class="secondary outline small"
            aria-pressed={draft.pinned}
            disabled={locked}
            onClick={() => toggle('pinned')}
          >
            Pin
          </button>
          <button
            type="button"
            class="secondary outline small"
            aria-pressed={draft.archived}
            disabled={locked}
            onClick={() => toggle('archived')}
          >
            Archive
          </button>
          <button
            type="button"
            class="secondary outline small danger"
            disabled={locked}
            onClick={() => void remove()}
          >
            Delete
          </button>
        </div>
      </div>
      {state.restored && !locked && save !== 'deleted-elsewhere' && (
        <p class="notice">
          Restored changes that were not saved last time.{' '}
          <button type="button" class="link-button" onClick={session.discardDraft}>
            Discard them
          </button>
        </p>
      )}
      {locked && state.theirs && (
        <ConflictPanel
          mine={draft}
          theirs={state.theirs}
          onKeepMine={() => void session.keepMine()}
          onTakeTheirs={session.takeTheirs}
          onKeepBoth={() => void session.saveMineAsNew()}
        />
      )}
      {save === 'deleted-elsewhere' && (
        <section class="conflict" role="alert">
          <h2>This note was deleted elsewhere</h2>
          <p>Your text is still here. Save it as a new note, or let it go.</p>
          <div class="conflict-actions">
            <button type="button" onClick={() => void session.saveMineAsNew()}>
              Save as a new note
            </button>
            <button
              type="button"
              class="secondary outline"
              onClick={() => {
                session.discardDraft();
                navigate(listHref);
              }}
            >
              Discard my text
            </button>
          </div>
        </section>
      )}
      <form
        id="note-form"
        class="note-form"
        onSubmit={(event) => {
          event.preventDefault();
          void session.saveNow();
        }}
      >
        <label for="note-title" class="visually-hidden">
          Title
        </label>
        <input
          id="note-title"
          class="note-title"
          placeholder="Title"
          maxLength={200}
          value={draft.title}
          readOnly={locked}
          aria-invalid={state.fieldErrors.title ? 'true' : undefined}
          aria-describedby={state.fieldErrors.title ? 'note-title-error' : undefined}
          ref={titleInput}
          onInput={(e) => session.edit({ title: e.currentTarget.value })}
        />
        {state.fieldErrors.title && (
          <small id="note-title-error" class="field-error">
            Title {state.fieldErrors.title}
          </small>
        )}
        <label for="note-tags">
          Tags
          <input
            id="note-tags"
            placeholder="work, ideas"
            value={tagText}
            readOnly={locked}
            aria-invalid={state.fieldErrors.tags ? 'true' : undefined}
            aria-describedby="note-tags-help"
            onInput={(e) => {
              setTagText(e.currentTarget.value);
              session.edit({ tags: parseTags(e.currentTarget.value) });
            }}
          />
          <small id="note-tags-help" class={state.fieldErrors.tags ? 'field-error' : undefined}>
            {state.fieldErrors.tags
              ? `Tags ${state.fieldErrors.tags}`
              : 'Separate tags with commas.'}
          </small>
        </label>
        <label for="note-body" class="visually-hidden">
          Text
        </label>
        <textarea
          id="note-body"
          class="note-body"
          placeholder="Write something…"
          value={draft.body}
          readOnly={locked}
          aria-invalid={state.fieldErrors.body ? 'true' : undefined}
          onInput={(e) => session.edit({ body: e.currentTarget.value })}
        />
      </form>
    </section>
  );
}
