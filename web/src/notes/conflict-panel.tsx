// Shown when the note changed elsewhere after the user started editing (a 412 from the server,
// or unsaved text from an earlier visit that is older than the saved note). Both versions side
// by side; nothing is lost until the user chooses.
import type { Note } from '../api/types.ts';
import { formatDateTime, timeAgo } from '../ui/time.ts';
import type { NoteDraft } from './drafts.ts';

interface VersionProps {
  heading: string;
  note: NoteDraft;
}

function Version({ heading, note }: VersionProps) {
  return (
    <article class="conflict-version">
      <header>
        <strong>{heading}</strong>
      </header>
      <p class="conflict-title">{note.title || <em>No title</em>}</p>
      {note.tags.length > 0 && <p class="conflict-tags">Tags: {note.tags.join(', ')}</p>}
      <pre class="conflict-body">{note.body || '(empty)'}</pre>
    </article>
  );
}

export interface ConflictPanelProps {
  mine: NoteDraft;
  theirs: Note;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onKeepBoth: () => void;
}

export function ConflictPanel({
  mine,
  theirs,
  onKeepMine,
  onTakeTheirs,
  onKeepBoth,
}: ConflictPanelProps) {
  return (
    <section class="conflict" role="alert" aria-labelledby="conflict-heading">
      <h2 id="conflict-heading">This note was changed somewhere else</h2>
      <p>
        Your changes are safe. The note was saved from another window or device{' '}
        <time dateTime={theirs.updated_at} title={formatDateTime(theirs.updated_at)}>
          {timeAgo(theirs.updated_at)}
        </time>
        . Compare both versions and choose what to keep.
      </p>
      <div class="conflict-versions">
        <Version heading="Your version (not saved)" note={mine} />
        <Version heading="The saved version" note={{ ...theirs }} />
      </div>
      <div class="conflict-actions">
        <button type="button" onClick={onKeepMine}>
          Keep my version
        </button>
        <button type="button" class="secondary" onClick={onKeepBoth}>
          Keep both
        </button>
        <button type="button" class="secondary outline" onClick={onTakeTheirs}>
          Use the saved version
        </button>
      </div>
    </section>
  );
}
