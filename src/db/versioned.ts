// Optimistic concurrency for rows with a `version`: a conditional write names the versions it
// accepts (from If-Match); the check and the write are one statement (`… AND version IN (…)`),
// and only when it changed nothing does a follow-up read tell a missing row from a stale version.

/** The versions a write accepts: undefined for any, else the list (empty: none). */
export type ExpectedVersions = readonly number[] | undefined;

export type WriteFailure = 'not_found' | 'version_conflict';

export type WriteResult<T> = { ok: true; value: T } | { ok: false; reason: WriteFailure };

export function accepts(expected: ExpectedVersions, version: number): boolean {
  return expected === undefined || expected.includes(version);
}

export function failed(reason: WriteFailure): { ok: false; reason: WriteFailure } {
  return { ok: false, reason };
}
