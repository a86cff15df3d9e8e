// Unsaved note text kept in localStorage until the server has it. If the tab closes, the network
// drops, the session ends or a save conflicts, the text is still there the next time the note is
// opened: the editor offers it back instead of losing it.
import type { NoteInput } from '../api/types.ts';

export type NoteDraft = Required<NoteInput>;

export interface StoredDraft {
  /** The note version the draft was edited from; undefined for a note not created yet. */
  baseVersion: number | undefined;
  draft: NoteDraft;
  savedAt: string;
}

const PREFIX = 'jotter.note-draft.';

export function loadDraft(noteId: string): StoredDraft | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + noteId);
    return raw ? (JSON.parse(raw) as StoredDraft) : undefined;
  } catch {
    return undefined;
  }
}

export function storeDraft(
  noteId: string,
  baseVersion: number | undefined,
  draft: NoteDraft,
): void {
  try {
    const stored: StoredDraft = { baseVersion, draft, savedAt: new Date().toISOString() };
    localStorage.setItem(PREFIX + noteId, JSON.stringify(stored));
  } catch {
    // Full or disabled storage: the editor still saves to the server.
  }
}

export function clearDraft(noteId: string): void {
  try {
    localStorage.removeItem(PREFIX + noteId);
  } catch {
    // Nothing stored.
  }
}

export function sameContent(a: NoteDraft, b: NoteDraft): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    a.pinned === b.pinned &&
    a.archived === b.archived &&
    a.tags.length === b.tags.length &&
    a.tags.every((tag, i) => tag === b.tags[i])
  );
}

export function draftOf(note: NoteInput): NoteDraft {
  return {
    title: note.title,
    body: note.body ?? '',
    tags: note.tags ?? [],
    pinned: note.pinned ?? false,
    archived: note.archived ?? false,
  };
}

/** The fields of `draft` that differ from `base`: what a PATCH needs to send. */
export function changedFields(base: NoteDraft, draft: NoteDraft): Partial<NoteDraft> {
  const changes: Partial<NoteDraft> = {};
  if (draft.title !== base.title) changes.title = draft.title;
  if (draft.body !== base.body) changes.body = draft.body;
  if (draft.pinned !== base.pinned) changes.pinned = draft.pinned;
  if (draft.archived !== base.archived) changes.archived = draft.archived;
  if (!sameContent({ ...base, tags: draft.tags }, base)) changes.tags = draft.tags;
  return changes;
}

/** "work, ideas ,, work" → ["work", "ideas"] */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  return [...new Set(tags)];
}
