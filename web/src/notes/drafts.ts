// Unsaved note text kept in localStorage until the server has it. If the tab closes, the network
// drops, the session ends or a save conflicts, the text is still there the next time the note is
// opened: the editor offers it back instead of losing it. Drafts are stored per user, so another
// account signing in on the same browser never sees them; deleting the account removes them.
import type { NoteInput } from '../api/types.ts';
import { auth } from '../auth/auth-state.ts';

export type NoteDraft = Required<NoteInput>;

export interface StoredDraft {
  /** The note version the draft was edited from; undefined for a note not created yet. */
  baseVersion: number | undefined;
  draft: NoteDraft;
  savedAt: string;
}

const PREFIX = 'jotter.note-draft.';

/**
 * Whose drafts these are: the signed-in user, and still them after their session ends (a save
 * that fails because the session expired stores its text for them), until someone signs in.
 */
let owner: string | undefined;
auth.subscribe((state) => {
  if (state.status === 'signed-in') owner = state.user.id;
});

function keyOf(noteId: string): string | undefined {
  return owner ? `${PREFIX}${owner}.${noteId}` : undefined;
}

export function loadDraft(noteId: string): StoredDraft | undefined {
  const key = keyOf(noteId);
  if (!key) return undefined;
  try {
    const raw = localStorage.getItem(key);
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
  const key = keyOf(noteId);
  if (!key) return;
  try {
    const stored: StoredDraft = { baseVersion, draft, savedAt: new Date().toISOString() };
    localStorage.setItem(key, JSON.stringify(stored));
  } catch {
    // Full or disabled storage: the editor still saves to the server.
  }
}

export function clearDraft(noteId: string): void {
  const key = keyOf(noteId);
  if (!key) return;
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing stored.
  }
}

/** Removes every draft of a user (their account is gone). */
export function forgetDrafts(userId: string): void {
  try {
    const prefix = `${PREFIX}${userId}.`;
    const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i));
    for (const key of keys) if (key?.startsWith(prefix)) localStorage.removeItem(key);
  } catch {
    // Storage disabled: nothing was stored.
  }
}

function sameTags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i]);
}

export function sameContent(a: NoteDraft, b: NoteDraft): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    a.pinned === b.pinned &&
    a.archived === b.archived &&
    sameTags(a.tags, b.tags)
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
  if (!sameTags(draft.tags, base.tags)) changes.tags = draft.tags;
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
