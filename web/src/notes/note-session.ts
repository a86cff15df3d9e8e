// One open note in the editor: its last saved version (`base`), what the user is typing (`draft`)
// and the state of saving. Changes save themselves shortly after typing stops (or at once with
// Save / Ctrl+S). Every save names the version it edits; when the server has a newer one (412)
// nothing is overwritten and nothing is thrown away: both versions are kept for the user to choose.
// Until the server confirms a save, the draft also sits in localStorage (drafts.ts).
import { ApiError, fieldErrors } from '../api/problem.ts';
import type { Note } from '../api/types.ts';
import { createStore, type Store } from '../lib/store.ts';
import { reportError } from '../ui/toasts.tsx';
import {
  changedFields,
  clearDraft,
  draftOf,
  loadDraft,
  sameContent,
  storeDraft,
  type NoteDraft,
} from './drafts.ts';
import { noteEvents } from './note-events.ts';
import { createNote, deleteNote, getNote, updateNote } from './notes-api.ts';

export type SaveState =
  | 'saved'
  | 'dirty'
  | 'saving'
  | 'needs-title'
  | 'retrying'
  | 'invalid'
  | 'conflict'
  | 'deleted-elsewhere';

export interface EditorState {
  phase: 'loading' | 'ready' | 'missing' | 'failed';
  base: Note | undefined;
  draft: NoteDraft;
  save: SaveState;
  /** The server's newer version, while a conflict waits for the user's choice. */
  theirs: Note | undefined;
  fieldErrors: Record<string, string>;
  /** The draft came back from storage (unsaved text from an earlier visit). */
  restored: boolean;
}

export interface NoteSession {
  state: Store<EditorState>;
  edit: (changes: Partial<NoteDraft>) => void;
  saveNow: () => Promise<void>;
  keepMine: () => Promise<void>;
  takeTheirs: () => void;
  /** Drops a draft restored from storage and goes back to the saved version. */
  discardDraft: () => void;
  saveMineAsNew: () => Promise<Note | undefined>;
  remove: () => Promise<Note | undefined>;
  /** Stores and saves what is unsaved; called when the editor closes. */
  close: () => void;
}

const AUTOSAVE_MS = 800;
const MAX_RETRY_MS = 30_000;
const EMPTY: NoteDraft = { title: '', body: '', tags: [], pinned: false, archived: false };

export function openNoteSession(id: string, onCreated: (note: Note) => void): NoteSession {
  const isNew = id === 'new';
  const state = createStore<EditorState>({
    phase: isNew ? 'ready' : 'loading',
    base: undefined,
    draft: EMPTY,
    save: 'saved',
    theirs: undefined,
    fieldErrors: {},
    restored: false,
  });
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let storeTimer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  let retryMs = 0;

  const patch = (changes: Partial<EditorState>): void => state.set({ ...state.get(), ...changes });
  const draftKey = (): string => state.get().base?.id ?? 'new';
  const baseDraft = (): NoteDraft => {
    const { base } = state.get();
    return base ? draftOf(base) : EMPTY;
  };
  const isDirty = (): boolean => !sameContent(state.get().draft, baseDraft());

  function persistNow(): void {
    clearTimeout(storeTimer);
    if (isDirty()) storeDraft(draftKey(), state.get().base?.version, state.get().draft);
    else clearDraft(draftKey());
  }

  function schedule(delay = AUTOSAVE_MS): void {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void saveNow(), delay);
  }

  function idleState(): SaveState {
    if (!isDirty()) return 'saved';
    return state.get().draft.title === '' ? 'needs-title' : 'dirty';
  }

  async function load(): Promise<void> {
    const stored = loadDraft(id);
    if (isNew) {
      if (stored) {
        patch({ draft: stored.draft, restored: true });
        patch({ save: idleState() });
        schedule();
      }
      return;
    }
    try {
      const note = await getNote(id);
      if (stored && !sameContent(stored.draft, draftOf(note))) {
        const current = stored.baseVersion === note.version;
        patch({ phase: 'ready', base: note, draft: stored.draft, restored: true });
        if (current) {
          patch({ save: idleState() });
          schedule();
        } else patch({ save: 'conflict', theirs: note });
        return;
      }
      if (stored) clearDraft(id);
      patch({ phase: 'ready', base: note, draft: draftOf(note), save: 'saved' });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // Deleted elsewhere; unsaved text from before can still become a new note.
        if (stored) patch({ phase: 'ready', draft: stored.draft, save: 'deleted-elsewhere' });
        else patch({ phase: 'missing' });
        return;
      }
      patch({ phase: 'failed' });
      reportError(error);
    }
  }

  function edit(changes: Partial<NoteDraft>): void {
    const { save, phase } = state.get();
    if (phase !== 'ready' || save === 'conflict') return;
    patch({ draft: { ...state.get().draft, ...changes }, fieldErrors: {} });
    if (save !== 'deleted-elsewhere') patch({ save: idleState() });
    clearTimeout(storeTimer);
    storeTimer = setTimeout(persistNow, 300);
    if (save !== 'deleted-elsewhere') schedule();
  }

  async function handleSaveError(error: unknown): Promise<void> {
    persistNow();
    if (error instanceof ApiError && error.code === 'version_conflict') {
      const base = state.get().base;
      try {
        patch({ save: 'conflict', theirs: base ? await getNote(base.id) : undefined });
      } catch (reloadError) {
        if (reloadError instanceof ApiError && reloadError.status === 404) {
          patch({ save: 'deleted-elsewhere', base: undefined });
        } else {
          patch({ save: 'retrying' });
          reportError(reloadError);
        }
      }
      return;
    }
    if (error instanceof ApiError && error.status === 404) {
      patch({ save: 'deleted-elsewhere', base: undefined });
      return;
    }
    if (error instanceof ApiError && error.code === 'validation_failed') {
      patch({ save: 'invalid', fieldErrors: fieldErrors(error) });
      return;
    }
    if (error instanceof ApiError && error.status === 401) {
      // The session is gone; the app is on its way to the login page and the draft is stored.
      patch({ save: 'dirty' });
      return;
    }
    // Offline, throttled or a server error: keep the draft and try again, less and less often.
    retryMs = Math.min(Math.max(retryMs * 2, 2000), MAX_RETRY_MS);
    patch({ save: 'retrying' });
    schedule(retryMs);
    reportError(error);
  }

  async function send(): Promise<void> {
    const { base, draft } = state.get();
    patch({ save: 'saving' });
    try {
      const note = base
        ? await updateNote(base.id, base.version, changedFields(draftOf(base), draft))
        : await createNote(draft);
      if (!base) {
        clearDraft('new');
        patch({ base: note });
        onCreated(note);
      } else patch({ base: note });
      retryMs = 0;
      noteEvents.set({ type: 'saved', note });
      patch({ save: idleState(), restored: false });
      persistNow();
      if (isDirty()) schedule();
    } catch (error) {
      await handleSaveError(error);
    }
  }

  async function saveNow(): Promise<void> {
    clearTimeout(saveTimer);
    if (inFlight) {
      await inFlight;
      return isDirty() ? saveNow() : undefined;
    }
    const { phase, save, draft } = state.get();
    if (phase !== 'ready' || save === 'conflict' || save === 'deleted-elsewhere') return;
    if (!isDirty()) {
      patch({ save: 'saved' });
      persistNow();
      return;
    }
    if (draft.title === '') {
      patch({ save: 'needs-title' });
      return;
    }
    inFlight = send();
    try {
      await inFlight;
    } finally {
      inFlight = undefined;
    }
  }

  /** Overwrites the server's newer version with the user's, knowingly (If-Match: theirs). */
  async function keepMine(): Promise<void> {
    const { theirs, draft } = state.get();
    if (!theirs) return;
    patch({ base: theirs, theirs: undefined, save: 'dirty' });
    try {
      const note = await updateNote(theirs.id, theirs.version, draft);
      patch({ base: note, restored: false });
      patch({ save: idleState() });
      noteEvents.set({ type: 'saved', note });
      persistNow();
    } catch (error) {
      await handleSaveError(error);
    }
  }

  function takeTheirs(): void {
    const { theirs } = state.get();
    if (!theirs) return;
    clearDraft(theirs.id);
    patch({
      base: theirs,
      draft: draftOf(theirs),
      theirs: undefined,
      save: 'saved',
      restored: false,
    });
    noteEvents.set({ type: 'saved', note: theirs });
  }

  function discardDraft(): void {
    clearTimeout(saveTimer);
    clearDraft(draftKey());
    patch({ draft: baseDraft(), save: 'saved', restored: false, fieldErrors: {} });
  }

  /** Saves the user's text as a separate note (after a conflict, or when this one was deleted). */
  async function saveMineAsNew(): Promise<Note | undefined> {
    const { draft, save } = state.get();
    try {
      const note = await createNote({ ...draft, title: draft.title || 'Untitled' });
      noteEvents.set({ type: 'saved', note });
      if (save === 'deleted-elsewhere') {
        clearDraft(draftKey());
        patch({ base: note, draft: draftOf(note), save: 'saved', restored: false });
        onCreated(note);
      } else takeTheirs();
      return note;
    } catch (error) {
      reportError(error);
      return undefined;
    }
  }

  async function remove(): Promise<Note | undefined> {
    clearTimeout(saveTimer);
    await inFlight;
    const { base } = state.get();
    if (!base) {
      clearDraft('new');
      patch({ draft: EMPTY, save: 'saved' });
      return undefined;
    }
    try {
      await deleteNote(base.id, base.version);
    } catch (error) {
      // Changed elsewhere since it was opened: show that version before anything is deleted.
      if (error instanceof ApiError && error.code === 'version_conflict') {
        const theirs = await getNote(base.id);
        if (isDirty()) patch({ save: 'conflict', theirs });
        else patch({ base: theirs, draft: draftOf(theirs), save: 'saved' });
      }
      throw error;
    }
    clearDraft(base.id);
    patch({ phase: 'missing', save: 'saved' });
    noteEvents.set({ type: 'deleted', id: base.id });
    return base;
  }

  function close(): void {
    clearTimeout(saveTimer);
    persistNow();
    const { save } = state.get();
    if (isDirty() && save !== 'conflict' && save !== 'deleted-elsewhere') {
      saveNow().catch(reportError);
    }
  }

  void load();
  return { state, edit, saveNow, keepMine, takeTheirs, discardDraft, saveMineAsNew, remove, close };
}
