// fast-check arbitraries derived from the OpenAPI document: the operations the server publishes,
// values that satisfy each JSON schema (so the fuzzer reaches past validation), and values built
// to break them (wrong types, members the schema does not name, hostile strings and numbers).
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, `/api/v1/auth/sessions/{id}`. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
  isAuthenticated: boolean;
  successStatuses: number[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema })),
        body: operation.requestBody?.content['application/json']?.schema,
        isAuthenticated: (operation.security?.length ?? 0) > 0,
        successStatuses: Object.keys(operation.responses)
          .map(Number)
          .filter((status) => status < 400),
      });
    }
  }
  return operations;
}

const EMAIL = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9._%+-]{1,20}$/),
    fc.stringMatching(/^[a-z0-9-]{1,15}$/),
    fc.constantFrom('com', 'org', 'example'),
  )
  .map(
    ([local, domain, tld]) =>
      `${local.replace(/^\.|\.$|\.\./g, 'x')}@${domain.replace(/^-|-$/g, 'x')}.${tld}`,
  );

const DATE = fc
  .date({
    min: new Date('1900-01-01T00:00:00Z'),
    max: new Date('2200-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString().slice(0, 10));

/** Text that is awkward but legal in stored text: any well-formed Unicode but NUL. */
const AWKWARD_TEXT = fc
  .string({ unit: 'binary', maxLength: 40 })
  .map((text) => text.replaceAll('\u0000', ''));

/** Strings that valid-by-schema generation may also pick (the caller knows what they mean). */
export interface Vocabulary {
  emails: string[];
  passwords: string[];
  ids: string[];
  tokens: string[];
}

function stringFor(schema: JsonSchema, vocabulary: Vocabulary): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'email')
    return vocabulary.emails.length
      ? fc.oneof(EMAIL, fc.constantFrom(...vocabulary.emails))
      : EMAIL;
  if (schema.format === 'date') return DATE;
  if (schema.format === 'date-time')
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 64, 64);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const text = fc.oneof(
    fc.string({ minLength, maxLength }),
    AWKWARD_TEXT.filter(
      (value) => [...value].length >= minLength && [...value].length <= maxLength,
    ),
  );
  const known = [...vocabulary.passwords, ...vocabulary.tokens].filter(
    (value) => value.length <= (schema.maxLength ?? Infinity) && value.length >= minLength,
  );
  return known.length ? fc.oneof(text, fc.constantFrom(...known)) : text;
}

/** Values that satisfy `schema` (within the subset of JSON Schema our routes use). */
export function validValue(schema: JsonSchema, vocabulary: Vocabulary): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => validValue(choice, vocabulary)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, vocabulary);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items ?? {}, vocabulary), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      return fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [
            name,
            validValue(property, vocabulary),
          ]),
        ),
        { requiredKeys: [...required] },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings an attacker sends where text is expected. */
export const HOSTILE_STRING = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDC00y',
    '\uFEFF',
    '\u202Eevil',
    "' OR 1=1 --",
    '"); DROP TABLE users; --',
    '%00',
    '../../etc/passwd',
    '${7*7}',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    'null',
    'true',
    '',
    ' ',
    '\r\n',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 255, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers at and past the edges of what JSON and the engines hold. */
export const HOSTILE_NUMBER = fc.oneof(
  fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 5e-324, 0.1),
  fc.double(),
  fc.integer(),
);

/** Values that break `schema`: a wrong type, a member it does not name, hostile content. */
export function invalidValue(schema: JsonSchema, vocabulary: Vocabulary): fc.Arbitrary<unknown> {
  const anything = fc.oneof(
    HOSTILE_STRING,
    HOSTILE_NUMBER,
    fc.constantFrom(null, true, false, [], {}),
    fc.jsonValue({ maxDepth: 3 }),
  );
  if (schema.type !== 'object' || !schema.properties) return anything;
  const valid = validValue(schema, vocabulary) as fc.Arbitrary<Record<string, unknown>>;
  const names = Object.keys(schema.properties);
  return fc.oneof(
    anything,
    // One member replaced by something hostile.
    names.length
      ? fc
          .tuple(valid, fc.constantFrom(...names), anything)
          .map(([value, name, bad]) => ({ ...value, [name]: bad }))
      : anything,
    // A member the schema does not name (own properties only: JSON.parse semantics).
    fc
      .tuple(
        valid,
        fc.constantFrom(
          '__proto__',
          'constructor',
          'prototype',
          'role',
          'id',
          'user_id',
          'version',
        ),
        anything,
      )
      .map(([value, name, bad]) => {
        const copy: Record<string, unknown> = { ...value };
        Object.defineProperty(copy, name, {
          value: bad,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        return copy;
      }),
    // A required member missing.
    (schema.required ?? []).length
      ? fc
          .tuple(valid, fc.constantFrom(...(schema.required ?? [])))
          .map(([value, name]) =>
            Object.fromEntries(Object.entries(value).filter(([key]) => key !== name)),
          )
      : anything,
  );
}

/** Raw bodies no serializer would make: broken, deep, huge, not UTF-8, duplicate keys. */
export const RAW_BODY: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      '',
      '{',
      '{"a":',
      'null',
      '[]',
      '"text"',
      '1e400',
      '-1e400',
      '123456789012345678901234567890',
      '{"__proto__":{"role":"admin"}}',
      '{"constructor":{"prototype":{"role":"admin"}}}',
      '{"email":"a@b.co","email":"c@d.co"}',
      '\uFEFF{}',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
      "{'single':'quotes'}",
      '{"a":NaN}',
      '{"a":1,}',
    )
    .map((text) => Buffer.from(text)),
  fc
    .integer({ min: 1, max: 200_000 })
    .map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth))),
  fc
    .integer({ min: 1, max: 50_000 })
    .map((depth) => Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  ),
  // Around the 1 MiB limit.
  fc.constantFrom(1_048_576, 1_048_577, 1_500_000).map((size) => {
    const body = Buffer.alloc(size, 0x20);
    body[0] = 0x7b;
    body[size - 1] = 0x7d;
    return body;
  }),
);

export const CONTENT_TYPE = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON; Charset="UTF-8"',
      'application/json; charset=latin1',
      'application/json;;',
      'application/json; boundary=x',
      'application/merge-patch+json',
      'application/problem+json',
      'text/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      '',
      '*/*',
      'application/json\u00e9',
    ),
  },
);

// Mostly none: a coding makes the body unreadable (415), which stops the request early.
export const CONTENT_ENCODING = fc.oneof(
  { weight: 9, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip, identity', 'x-unknown'),
  },
);
