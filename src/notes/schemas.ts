// Request and answer shapes of /api/v1/notes (API.md, "Notes"). Lengths count code points;
// text is stored exactly as sent; members not named here are rejected.
import { Type, type Static } from 'typebox';
import { BooleanQuery, CursorQuery, LimitQuery, Page, Strict, Text } from '../http/schemas.ts';

export const NOTE_TITLE_MAX = 200;
export const NOTE_BODY_MAX = 100_000;
export const NOTE_TAGS_MAX = 20;
export const NOTE_TAG_MAX = 50;
export const SEARCH_QUERY_MAX = 500;

const Title = Text({ minLength: 1, maxLength: NOTE_TITLE_MAX, description: '1..200 characters' });
const Body = Text({ maxLength: NOTE_BODY_MAX, description: 'Up to 100,000 characters' });
const Tag = Text({ minLength: 1, maxLength: NOTE_TAG_MAX, description: '1..50 characters' });
const Tags = Type.Array(Tag, {
  maxItems: NOTE_TAGS_MAX,
  description: 'Up to 20 tags, kept in order; exact duplicates are removed',
});

export const NoteSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    body: Type.String(),
    tags: Type.Array(Type.String()),
    pinned: Type.Boolean(),
    archived: Type.Boolean(),
    version: Type.Integer({ minimum: 1, description: 'Starts at 1, +1 on every change' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { description: 'A note (owner-only)' },
);
export type Note = Static<typeof NoteSchema>;

export const NoteCreateBody = Strict({
  title: Title,
  body: Type.Optional(Body),
  tags: Type.Optional(Tags),
  pinned: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
});
export type NoteCreate = Static<typeof NoteCreateBody>;

export const NotePatchBody = Strict({
  title: Type.Optional(Title),
  body: Type.Optional(Body),
  tags: Type.Optional(Tags),
  pinned: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
});
export type NotePatch = Static<typeof NotePatchBody>;

export const NoteListQuery = Type.Object({
  limit: Type.Optional(LimitQuery),
  cursor: Type.Optional(CursorQuery),
  q: Type.Optional(
    Text({
      maxLength: SEARCH_QUERY_MAX,
      description:
        'Full-text search of title and body: every word must appear; "quoted words" are a ' +
        'phrase; a word ending in * matches the words it begins. Other characters are text.',
    }),
  ),
  tag: Type.Optional(Text({ minLength: 1, maxLength: NOTE_TAG_MAX, description: 'A whole tag' })),
  archived: Type.Optional(BooleanQuery),
  pinned: Type.Optional(BooleanQuery),
});

export const NotePage = Page(NoteSchema);
