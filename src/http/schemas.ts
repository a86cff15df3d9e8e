// Shared schema atoms. Feature schemas build on these so that a rule (what an id, an email or a
// piece of stored text is) is written once, and validation, types and the OpenAPI document agree.
import { Type, type TProperties, type TSchema } from 'typebox';

/** Stored text: any string without U+0000 or unpaired surrogates (checked by the `text` format). */
// Schema builders leave their return types to inference: the precise TypeBox type is what gives
// handlers typed bodies.
export function Text(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ format: 'text', ...options });
}

export const EmailSchema = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'An email address',
});

/** A JSON body or query object that rejects members it does not name. */
export function Strict<T extends TProperties>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

export const IdParams = Type.Object({ id: Type.String({ description: 'Opaque id' }) });

/**
 * The path of a resource under its collection: `/:id`, but never empty, so `/notes/` is no route
 * (404 before authentication) rather than a note with the id "".
 */
export const ID_PATH = '/:id(^.+$)';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** An error answer in a route's `response` map (documents it; problems render as always). */
export const ProblemRef = Type.Ref('Problem');

// Query parameters arrive as strings and are parsed by pattern, never coerced: `05`, `1e2` and
// `+5` are not numbers here.
export const LimitQuery = Type.String({
  pattern: '^(?:[1-9]|[1-9][0-9]|100)$',
  description: 'Page size, 1..100 (default 20)',
});
export const CursorQuery = Type.String({
  maxLength: 1024,
  description: 'Opaque cursor from next_cursor',
});
export const BooleanQuery = Type.Union([Type.Literal('true'), Type.Literal('false')]);
export const DateQuery = Type.String({
  format: 'date',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'YYYY-MM-DD',
});

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  });
}

export function parseLimit(raw: string | undefined): number {
  return raw === undefined ? 20 : Number(raw);
}

/** Stored text may not hold NUL or unpaired surrogates; PostgreSQL could not store the first. */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

// The email format of ajv-formats, behind a length check so a megabyte-long "address" costs
// nothing to refuse.
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value);
}

export const CUSTOM_FORMATS = {
  text: isStorableText,
  email: isEmailAddress,
} as const;

/** OpenAPI security of authenticated routes: a bearer token, or the session cookies. */
export const AUTHENTICATED: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];

/** The body of a 204 answer, for the OpenAPI document. */
export const NoContent = Type.Null({ description: 'No content' });
