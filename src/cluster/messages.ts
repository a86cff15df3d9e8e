// Messages between the cluster primary and its workers (WORKERS > 1). A worker that revokes
// sessions tells the primary, which tells every other worker: on the embedded database there is
// no LISTEN/NOTIFY, and a revocation must reach every process at once.
import cluster from 'node:cluster';

export const REVOKED_MESSAGE = 'jotter:revoked';

export interface RevokedMessage {
  type: typeof REVOKED_MESSAGE;
  /** Pairs of session id and the epoch milliseconds until which its tokens must be refused. */
  sessions: [string, number][];
}

export function isRevokedMessage(message: unknown): message is RevokedMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === REVOKED_MESSAGE &&
    Array.isArray((message as RevokedMessage).sessions)
  );
}

/** In a worker: announce revocations to the other workers (through the primary). */
export function announceRevocations(sessions: [string, number][]): void {
  if (cluster.isWorker && process.send && sessions.length > 0) {
    process.send({ type: REVOKED_MESSAGE, sessions } satisfies RevokedMessage);
  }
}

/** In a worker: hear the revocations other workers announce. Returns the unsubscribe function. */
export function onRevocations(listener: (sessions: [string, number][]) => void): () => void {
  if (!cluster.isWorker) return () => {};
  const handler = (message: unknown): void => {
    if (isRevokedMessage(message)) listener(message.sessions);
  };
  process.on('message', handler);
  return () => process.off('message', handler);
}
