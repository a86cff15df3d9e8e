// Entity tags and `If-Match` for versioned resources (notes, to-dos). A resource's ETag is its
// version as a strong tag: `"3"`. `If-Match` takes `*` or a list of tags; only strong tags with a
// version in them can match (RFC 9110 compares If-Match strongly), so a weak tag (`W/"3"`) or
// anything unreadable matches nothing and the request fails with 412 if the resource exists.

/** The ETag header value of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** A strong entity tag holding a version (15 digits at most: a safe integer). */
const STRONG_VERSION_TAG = /^"([1-9][0-9]{0,14})"$/;

/**
 * The versions an `If-Match` header accepts: undefined when any version will do (no header, or
 * `*`), else the list (possibly empty: then nothing matches).
 */
export function versionsFromIfMatch(header: string | string[] | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (text.trim() === '*') return undefined;
  const versions = new Set<number>();
  // Our tags never hold a comma, so splitting on commas cannot cut one of ours in two.
  for (const element of text.split(',')) {
    const match = STRONG_VERSION_TAG.exec(element.trim());
    if (match?.[1] !== undefined) versions.add(Number(match[1]));
  }
  return [...versions];
}
