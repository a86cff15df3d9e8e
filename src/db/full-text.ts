// Full-text search that behaves the same on SQLite and PostgreSQL because the words are found
// here, once, in JavaScript, and the engines only store and match them: SQLite's FTS5 index gets
// the words as one space-separated string (its `ascii` tokenizer splits on the spaces and keeps
// every other character), PostgreSQL gets a tsvector literal with positions (no parser, no
// dictionary, no stop words). A search string is turned into the matching FTS5 query or tsquery
// literal from the same parsed terms, so user input is never query syntax on either engine.
//
// What a word is: a run of letters, digits and combining marks after compatibility decomposition
// (NFKD), lower-casing and removal of the accents of Latin, Greek and Cyrillic letters, so
// "Café", "CAFE" and "café" are one word. Chinese and Japanese characters are words of their own
// (those scripts put no spaces between words), and a search for "東京" is the phrase 東 京.
// Words are cut to 64 characters.
//
// Search strings: words must all appear (AND); a double-quoted part is a phrase (its words next
// to each other, in order); a word that ends in `*` (also the last word of a phrase) matches
// every word it begins; a word written with inner punctuation ("e-mail", "don't") is the phrase
// of its parts. Everything else (operators, parentheses, colons, minus signs) is plain text.

const MAX_WORD_LENGTH = 64;
/** PostgreSQL keeps word positions up to 16383 and at most 256 positions per word. */
const PG_MAX_POSITION = 16_383;
const PG_MAX_POSITIONS_PER_WORD = 256;

const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
const UNSPACED_CHAR = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;
const UNSPACED_SPLIT =
  /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]|[^\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]+/gu;
const LATIN_GREEK_CYRILLIC_ACCENTS = /[\u0300-\u036f]/g;
const ENDS_WITH_PREFIX_STAR = /[\p{L}\p{N}\p{M}]\*+$/u;

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(LATIN_GREEK_CYRILLIC_ACCENTS, '')
    .normalize('NFC');
}

function clip(word: string): string {
  if (word.length <= MAX_WORD_LENGTH) return word;
  // Cut by code points, never inside a surrogate pair.
  return Array.from(word).slice(0, MAX_WORD_LENGTH).join('');
}

/** The searchable words of a text, in order. */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  for (const [run] of fold(text).matchAll(WORD_RUN)) {
    if (!UNSPACED_CHAR.test(run)) {
      words.push(clip(run));
      continue;
    }
    for (const [part] of run.matchAll(UNSPACED_SPLIT)) words.push(clip(part));
  }
  return words;
}

/** What SQLite's FTS5 index stores for a note: its words, space-separated. */
export function searchDocument(title: string, body: string): string {
  const words = searchWords(title);
  for (const word of searchWords(body)) words.push(word);
  return words.join(' ');
}

function quoteLexeme(word: string): string {
  return `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * A PostgreSQL tsvector literal of a text's words with their positions (1-based), to be cast with
 * `::tsvector`. Title and body get one each; `title || body` shifts the body's positions past
 * the title's, so phrases read across them as they do in the SQLite document.
 */
export function searchVector(text: string): string {
  const positions = new Map<string, number[]>();
  let position = 0;
  for (const word of searchWords(text)) {
    position = Math.min(position + 1, PG_MAX_POSITION);
    const list = positions.get(word);
    if (list === undefined) positions.set(word, [position]);
    else if (list.length < PG_MAX_POSITIONS_PER_WORD && list.at(-1) !== position)
      list.push(position);
  }
  const parts: string[] = [];
  for (const [word, list] of positions) parts.push(`${quoteLexeme(word)}:${list.join(',')}`);
  return parts.join(' ');
}

export interface SearchTerm {
  /** One word, or the words of a phrase in order. */
  words: string[];
  /** The last word matches every word it begins. */
  prefix: boolean;
}

// A quoted part (to the closing quote, which may carry a prefix star, or to the end), or a run of
// anything else but spaces.
const QUERY_PART = /"([^"]*)("\*)?"?|[^\s"]+/g;

/** Parses a search string into terms that must all match; duplicates are dropped. */
export function parseSearch(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  for (const match of query.matchAll(QUERY_PART)) {
    const text = match[1] ?? match[0];
    const words = searchWords(text);
    if (words.length === 0) continue;
    const prefix = match[2] !== undefined || ENDS_WITH_PREFIX_STAR.test(text.trimEnd());
    const key = `${prefix ? '*' : ''}${words.join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push({ words, prefix });
  }
  return terms;
}

/** The FTS5 MATCH expression of the terms: every phrase quoted, so nothing is FTS5 syntax. */
export function fts5Query(terms: SearchTerm[]): string {
  return terms.map((term) => `"${term.words.join(' ')}"${term.prefix ? '*' : ''}`).join(' AND ');
}

/** The tsquery literal of the terms (to be cast with `::tsquery`): lexemes quoted, never parsed. */
export function tsqueryLiteral(terms: SearchTerm[]): string {
  return terms
    .map((term) => {
      const last = term.words.length - 1;
      const words = term.words.map(
        (word, index) => quoteLexeme(word) + (term.prefix && index === last ? ':*' : ''),
      );
      return `(${words.join(' <-> ')})`;
    })
    .join(' & ');
}
