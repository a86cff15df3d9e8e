// Errors from the API as the UI needs them: RFC 9457 problem details with their stable `code`,
// field errors keyed by field name, the wait of a 429, and failures to reach the server at all.
import type { components } from './schema';

export type Problem = components['schemas']['Problem'];

export class ApiError extends Error {
  override name = 'ApiError';
  readonly problem: Problem;
  /** Seconds from `Retry-After` on a 429. */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get code(): string {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The server could not be reached (offline, DNS, connection refused). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

export function toApiError(body: unknown, response: Response): ApiError {
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  const problem: Problem = isProblem(body)
    ? body
    : {
        type: '/problems/internal',
        title: response.statusText || 'Unexpected answer',
        status: response.status,
        code: response.status >= 500 ? 'internal' : 'unexpected',
      };
  return new ApiError(problem, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

/** `{ email: 'must be an email address' }` from `errors: [{ field: '/email', … }]`. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.problem.errors) return {};
  const fields: Record<string, string> = {};
  for (const { field, message } of error.problem.errors) {
    const name = field.replace(/^\//, '').split('/')[0] ?? '';
    fields[name] ??= message;
  }
  return fields;
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** A sentence for the user; forms show field errors next to their fields instead. */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) {
    return 'Jotter could not be reached. Check your connection and try again.';
  }
  if (error instanceof Error && error.name === 'RefreshUnavailableError') {
    return 'Your session could not be renewed just now. Try again in a moment.';
  }
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'rate_limited':
      return error.retryAfter !== undefined
        ? `Too many attempts. Try again in ${formatWait(error.retryAfter)}.`
        : 'Too many attempts. Try again later.';
    case 'invalid_credentials':
      return error.status === 403
        ? 'That password is not right.'
        : 'That email and password do not match an account.';
    case 'weak_password':
      return 'Choose a stronger password: at least 8 characters, and not a commonly used one.';
    case 'email_taken':
      return 'An account with this email already exists.';
    case 'account_disabled':
      return 'This account has been disabled. Ask your administrator to enable it.';
    case 'last_admin':
      return 'Jotter needs at least one enabled administrator: make someone else an administrator first.';
    case 'forbidden':
      return 'That is for administrators only.';
    case 'not_found':
      return 'It is not there any more: it may have been deleted elsewhere.';
    case 'validation_failed':
      return error.problem.errors?.[0]?.message
        ? `Please check the form: ${error.problem.errors[0].field.slice(1)} ${error.problem.errors[0].message}.`
        : 'Please check the form.';
    case 'internal':
      return error.problem.request_id
        ? `The server hit an error (request ${error.problem.request_id}). Please try again.`
        : 'The server hit an error. Please try again.';
    default:
      return error.problem.detail ?? error.problem.title;
  }
}
