// The one place that turns every failure into RFC 9457 problem+json: our AppErrors, Fastify's
// validation and parsing errors, unknown routes and methods, a database that does not answer (503
// `service_unavailable`), and anything unexpected (500 `internal`, with the request id; the stack
// goes to the log only).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { AppError, problemOf, type ErrorCode, type FieldError } from './errors.ts';

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

function describe(error: AjvError): string {
  const { params } = error;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'type':
      return params.type === 'null' ? 'must be null' : `must be ${articled(String(params.type))}`;
    case 'format':
      return params.format === 'email'
        ? 'must be an email address'
        : params.format === 'date'
          ? 'must be a real calendar date (YYYY-MM-DD)'
          : params.format === 'text'
            ? 'must not contain NUL characters or unpaired surrogates'
            : `must be a valid ${String(params.format)}`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'minLength':
      return `must be at least ${String(params.limit)} characters`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} items`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function articled(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function fieldErrors(validation: AjvError[]): FieldError[] {
  return validation.map((error) => {
    let field = error.instancePath;
    if (error.keyword === 'required')
      field += `/${escapePointer(String(error.params.missingProperty))}`;
    if (error.keyword === 'additionalProperties') {
      field += `/${escapePointer(String(error.params.additionalProperty))}`;
    }
    return { field, message: describe(error) };
  });
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'not_found',
  // A path segment longer than any id (or badly percent-encoded) names nothing: 404, as a
  // malformed id does.
  FST_ERR_MAX_PARAM_LENGTH: 'not_found',
  FST_ERR_ASYNC_CONSTRAINT: 'not_found',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Maps anything thrown to an AppError; returns undefined for the unexpected (a 500). */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (Array.isArray(fastifyError.validation)) {
    return new AppError('validation_failed', 'The request does not match the schema.', {
      errors: fieldErrors(fastifyError.validation),
    });
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return new AppError(mapped);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && STATUS_CODES[status]) {
    return new AppError(STATUS_CODES[status]);
  }
  return undefined;
}

export function sendProblem(
  reply: FastifyReply,
  error: AppError,
  requestId?: string,
): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  if (error.status === 401) reply.header('www-authenticate', wwwAuthenticate(error.code));
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(problemOf(error, requestId));
}

function wwwAuthenticate(code: ErrorCode): string {
  return code === 'invalid_token' || code === 'token_expired'
    ? 'Bearer realm="jotter", error="invalid_token"'
    : 'Bearer realm="jotter"';
}

function handleError(
  this: FastifyInstance,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const known = toAppError(error);
  if (known) {
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, known);
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return sendProblem(
      reply,
      new AppError('service_unavailable', 'The database does not answer; try again shortly.', {
        headers: { 'retry-after': '5' },
      }),
    );
  }
  request.log.error({ err: error }, 'unexpected error');
  return sendProblem(reply, new AppError('internal', undefined), request.id);
}

/**
 * Errors the router raises before any route runs (a malformed URL, an overlong path parameter):
 * Fastify's `frameworkErrors` hands them here so they are problem+json like everything else.
 */
export function handleFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  sendProblem(reply, toAppError(error) ?? new AppError('not_found', 'No such resource.'));
}

export function installProblemHandling(
  app: FastifyInstance,
  onNotFound: (request: FastifyRequest, reply: FastifyReply) => unknown,
): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(onNotFound);
}
