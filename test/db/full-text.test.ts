// The shared full-text rules (src/db/full-text.ts): what a word is, how a search string is read,
// and the engine queries built from it. Pure functions: no database here; the search suites in
// test/notes run the same rules against both engines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  fts5Query,
  parseSearch,
  searchDocument,
  searchVector,
  searchWords,
  tsqueryLiteral,
} from '../../src/db/full-text.ts';

describe('full-text words', () => {
  test('case, accents and compatibility forms fold; punctuation separates', () => {
    assert.deepEqual(searchWords('Café CAFE naïve ﬁle ＡＢＣ x² e-mail'), [
      'cafe',
      'cafe',
      'naive',
      'file',
      'abc',
      'x2',
      'e',
      'mail',
    ]);
  });

  test('Chinese and Japanese characters are words of their own; other scripts keep runs', () => {
    assert.deepEqual(searchWords('東京タワー'), ['東', '京', 'タ', 'ワ', 'ー']);
    assert.deepEqual(searchWords('Привет, мир! नमस्ते 한국어'), ['привет', 'мир', 'नमस्ते', '한국어']);
  });

  test('words are cut to 64 characters, never inside a surrogate pair', () => {
    const long = '𝔸'.repeat(100);
    const [word] = searchWords(long);
    assert.equal(Array.from(word!).length, 64);
    assert.ok(word!.isWellFormed());
  });

  test('the SQLite document is the title and body words, space-separated', () => {
    assert.equal(searchDocument('Hello, World', 'Body-text'), 'hello world body text');
  });

  test('the tsvector literal has 1-based positions, capped as PostgreSQL caps them', () => {
    assert.equal(searchVector('a b a'), "'a':1,3 'b':2");
    assert.equal(searchVector(''), '');
    const many = searchVector('x '.repeat(20_000));
    const positions = many.slice("'x':".length).split(',');
    assert.equal(positions.length, 256);
    const beyond = searchVector(`${'y '.repeat(17_000)}z`);
    assert.match(beyond, /'z':16383$/);
  });
});

describe('search strings', () => {
  test('words must all match; duplicates collapse', () => {
    assert.deepEqual(parseSearch('Alpha beta ALPHA'), [
      { words: ['alpha'], prefix: false },
      { words: ['beta'], prefix: false },
    ]);
  });

  test('quotes make phrases, closed or not; a trailing star makes a prefix', () => {
    assert.deepEqual(parseSearch('"big cat" meet* "red fo*" "x y"* "open end'), [
      { words: ['big', 'cat'], prefix: false },
      { words: ['meet'], prefix: true },
      { words: ['red', 'fo'], prefix: true },
      { words: ['x', 'y'], prefix: true },
      { words: ['open', 'end'], prefix: false },
    ]);
  });

  test('a word with inner punctuation is the phrase of its parts', () => {
    assert.deepEqual(parseSearch("e-mail don't"), [
      { words: ['e', 'mail'], prefix: false },
      { words: ['don', 't'], prefix: false },
    ]);
  });

  test('query syntax of either engine is plain text', () => {
    const terms = parseSearch("title:x OR y NOT z (a & !b) <-> ^c NEAR(d) 'e' \"f");
    for (const term of terms) for (const word of term.words) assert.match(word, /^[a-z]+$/);
    assert.equal(fts5Query(parseSearch('title:x OR y')), '"title x" AND "or" AND "y"');
    assert.equal(tsqueryLiteral(parseSearch("a & !b 'c'")), "('a') & ('b') & ('c')");
  });

  test('strings without words have no terms', () => {
    assert.deepEqual(parseSearch(''), []);
    assert.deepEqual(parseSearch('  "" * ** -- !!'), []);
  });

  test('engine queries: quoted FTS5 phrases, quoted tsquery lexemes', () => {
    const terms = parseSearch('"red fox" jump* 東京');
    assert.equal(fts5Query(terms), '"red fox" AND "jump"* AND "東 京"');
    assert.equal(tsqueryLiteral(terms), "('red' <-> 'fox') & ('jump':*) & ('東' <-> '京')");
  });
});
