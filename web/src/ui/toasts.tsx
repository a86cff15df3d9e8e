// Short messages at the bottom of the screen: confirmations ("Note deleted", with Undo) and
// errors (the server could not be reached). The live regions exist from the start so screen
// readers announce what is added; timers pause while the pointer or focus is on a toast.
import { useEffect } from 'preact/hooks';
import { describeError } from '../api/problem.ts';
import { createStore, useStore } from '../lib/store.ts';

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
  remainingMs: number;
}

const toasts = createStore<Toast[]>([]);
let nextId = 1;
let paused = false;
const TICK_MS = 250;

export function showToast(
  message: string,
  options: { kind?: 'info' | 'error'; action?: Toast['action']; durationMs?: number } = {},
): number {
  const id = nextId++;
  const kind = options.kind ?? 'info';
  const remainingMs = options.durationMs ?? (kind === 'error' || options.action ? 8000 : 4000);
  // Repeating the same error (five failed saves) shows it once.
  toasts.update((list) => [
    ...list.filter((toast) => toast.message !== message),
    { id, message, kind, action: options.action, remainingMs },
  ]);
  return id;
}

export function dismissToast(id: number): void {
  toasts.update((list) => list.filter((toast) => toast.id !== id));
}

/** Shows what went wrong in words; returns the message for callers that also show it inline. */
export function reportError(error: unknown): string {
  const message = describeError(error);
  showToast(message, { kind: 'error' });
  if (!(error instanceof Error)) console.error(error);
  return message;
}

function tick(): void {
  if (paused || toasts.get().length === 0) return;
  toasts.update((list) =>
    list
      .map((toast) => ({ ...toast, remainingMs: toast.remainingMs - TICK_MS }))
      .filter((toast) => toast.remainingMs > 0),
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  return (
    <div class={`toast toast-${toast.kind}`}>
      <span>{toast.message}</span>
      {toast.action && (
        <button
          type="button"
          class="toast-action"
          onClick={() => {
            dismissToast(toast.id);
            toast.action?.run();
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button
        type="button"
        class="toast-close"
        aria-label="Dismiss notification"
        onClick={() => dismissToast(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

export function ToastRegion() {
  const list = useStore(toasts);
  useEffect(() => {
    const timer = setInterval(tick, TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const pause = () => (paused = true);
  const resume = () => (paused = false);
  return (
    <section
      class="toasts"
      aria-label="Notifications"
      onMouseEnter={pause}
      onMouseLeave={resume}
      onFocusIn={pause}
      onFocusOut={resume}
    >
      <div role="status" aria-live="polite">
        {list
          .filter((t) => t.kind === 'info')
          .map((toast) => (
            <ToastItem key={toast.id} toast={toast} />
          ))}
      </div>
      <div role="alert" aria-live="assertive">
        {list
          .filter((t) => t.kind === 'error')
          .map((toast) => (
            <ToastItem key={toast.id} toast={toast} />
          ))}
      </div>
    </section>
  );
}
