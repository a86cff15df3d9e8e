// What the editor tells the list: a note was created, saved or deleted, so the list shows the
// change without reloading.
import type { Note } from '../api/types.ts';
import { createStore } from '../lib/store.ts';

export type NoteEvent =
  { type: 'saved'; note: Note } | { type: 'deleted'; id: string } | { type: 'none' };

export const noteEvents = createStore<NoteEvent>({ type: 'none' });
