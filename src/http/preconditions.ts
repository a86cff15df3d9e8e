// Entity tags and `If-Match` for versioned resources (notes, to-dos). A resource's ETag is its
// version as a strong tag: `"3"`. `If-Match` takes `*` or a list of tags; only strong tags with a
// version in them can match (RFC 9110 compares If-Match strongly), so a weak tag (`W/"3"`) or
// anything unreadable matches nothing and the request fails with 412 if the resource exists.

/** The ETag header value of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** An entity tag as RFC 9110 writes it: optionally weak, quoted, without inner quotes. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\uffff]*)"$/;
/** The opaque part of our tags: a version (15 digits at most, a safe integer). */
const VERSION = /^[1-9][0-9]{0,14}$/;

/**
 * The versions an `If-Match` header accepts: undefined when any version will do (no header, or
 * `*`), else the list, empty when nothing can match (a malformed header matches nothing).
 */
export function versionsFromIfMatch(header: string | string[] | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (text.trim() === '*') return undefined;
  const versions = new Set<number>();
  // Our tags never hold a comma, so splitting on commas cannot cut one of ours in two; a tag
  // of someone else's that does becomes malformed pieces, which match nothing anyway.
  for (const element of text.split(',')) {
    const match = ENTITY_TAG.exec(element.trim());
    if (match === null) return [];
    const [, weak, opaque] = match;
    if (weak === undefined && opaque !== undefined && VERSION.test(opaque))
      versions.add(Number(opaque));
  }
  return [...versions];
}
