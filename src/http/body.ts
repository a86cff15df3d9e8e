// Request bodies and query strings, parsed by our own rules instead of Fastify's defaults:
// - only `application/json` (optionally `charset=utf-8`) is accepted, any other type is 415, and
//   so is a Content-Encoding (gzip, br, ...): bodies are not decompressed;
// - bodies over 1 MiB are refused from their Content-Length or as soon as they cross the limit,
//   never buffered whole;
// - an empty body is `{}` whatever its type;
// - bytes that are not UTF-8, or text that is not JSON, are 400 `invalid_json`;
// - a query parameter given twice or as `name[]` becomes an array, so a schema expecting one
//   string rejects it instead of silently taking the first or last.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppError } from './errors.ts';

export const BODY_LIMIT = 1_048_576;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** True for `application/json` with no parameter but `charset=utf-8` (quoted or not). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  // What nearly every client sends, without splitting it.
  if (header === 'application/json' || header === 'application/json; charset=utf-8') return true;
  const [mediaType, ...parameters] = header.split(';');
  if (mediaType?.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const text = parameter.trim();
    if (text === '') return true;
    const equals = text.indexOf('=');
    if (equals < 0) return false;
    const name = text.slice(0, equals).trim().toLowerCase();
    let value = text.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    return name === 'charset' && value.toLowerCase() === 'utf-8';
  });
}

function readLimited(request: FastifyRequest, payload: IncomingMessage): Promise<Buffer> {
  const isJson = isJsonContentType(request.headers['content-type']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    function finish(error: AppError | undefined, body?: Buffer): void {
      if (settled) return;
      settled = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      if (error) {
        // Stop reading: the rest of an oversize or refused body is never buffered.
        payload.pause();
        reject(error);
      } else resolve(body!);
    }
    function onData(chunk: Buffer): void {
      if (chunk.length === 0) return;
      if (!isJson) return finish(new AppError('unsupported_media_type', 'Send application/json.'));
      size += chunk.length;
      if (size > BODY_LIMIT) return finish(tooLarge());
      chunks.push(chunk);
    }
    function onEnd(): void {
      finish(undefined, Buffer.concat(chunks, size));
    }
    function onError(): void {
      finish(new AppError('validation_failed', 'The request body was not received completely.'));
    }
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

function tooLarge(): AppError {
  return new AppError('payload_too_large', `Request bodies are limited to ${BODY_LIMIT} bytes.`, {
    headers: { connection: 'close' },
  });
}

/** True without a Content-Encoding, or with only `identity`: the bytes are the JSON itself. */
function isIdentityEncoding(header: string | undefined): boolean {
  if (header === undefined) return true;
  return header
    .split(',')
    .every((coding) => ['', 'identity'].includes(coding.trim().toLowerCase()));
}

async function parseJsonBody(request: FastifyRequest, payload: IncomingMessage): Promise<unknown> {
  // Compressed bodies are not decoded: taking their bytes for JSON would misread them (RFC 9110
  // §15.5.16 answers an unsupported content coding with 415).
  if (!isIdentityEncoding(request.headers['content-encoding']))
    throw new AppError('unsupported_media_type', 'Send the body without a Content-Encoding.');
  const declared = Number(request.headers['content-length']);
  if (declared > 0) {
    if (!isJsonContentType(request.headers['content-type'])) {
      throw new AppError('unsupported_media_type', 'Send application/json.');
    }
    if (declared > BODY_LIMIT) throw tooLarge();
  }
  const raw = await readLimited(request, payload);
  if (raw.length === 0) return {};
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid UTF-8.');
  }
  try {
    // Plain JSON.parse is safe here: it makes `__proto__` an own property, never a prototype,
    // and every body schema rejects members it does not name.
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON.');
  }
}

/** Splits a query string; repeated names and `name[]` forms become arrays. */
export function parseQueryString(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null) as Record<
    string,
    string | string[]
  >;
  if (query === '') return result;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decodeComponent(pair.slice(equals + 1));
    const bracket = rawName.indexOf('[');
    const isArrayForm = bracket > 0 && rawName.endsWith(']');
    const name = isArrayForm ? rawName.slice(0, bracket) : rawName;
    const existing = result[name];
    if (existing === undefined) result[name] = isArrayForm ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[name] = [existing, value];
  }
  return result;
}

function decodeComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Malformed percent-escapes are taken literally; the schema then judges the value.
    return spaced;
  }
}

export function installBodyParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', function (request, payload, done) {
    parseJsonBody(request, payload).then(
      (body) => done(null, body),
      (error: Error) => done(error, undefined),
    );
  });
  // A request without body bytes (no length, or length 0, and not chunked) has the body `{}`, whatever Content-Type says (even one Fastify cannot parse).
  // Callback hooks, not async ones: they run on every request and need no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const length = request.headers['content-length'];
    if (
      (length === undefined || length === '0') &&
      request.headers['transfer-encoding'] === undefined &&
      request.headers['content-type'] !== undefined
    ) {
      delete request.headers['content-type'];
    }
    done();
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined)
      request.body = {};
    done();
  });
}
