// Recognises the failures that mean "the database is not there right now" (refused or dropped
// connections, a server shutting down or starting up, a full connection table, a busy SQLite
// file), so that they answer 503 `service_unavailable` and a load balancer retries elsewhere,
// instead of a 500 that says the request itself broke something.

// SQLSTATE classes and codes: 08 connection exception, 57P01..57P05 operator intervention
// (admin/crash shutdown, cannot connect now, ...), 53300 too many connections.
const UNAVAILABLE_SQLSTATE = /^(?:08[0-9A-Z]{3}|57P0[1-5]|53300)$/;

const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// node-postgres and pg-pool report a lost or unobtainable connection with these messages and
// no code.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
];

// node:sqlite: SQLITE_BUSY (5) and SQLITE_LOCKED (6) after the busy timeout.
const SQLITE_BUSY_CODES = new Set([5, 6]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, errcode } = error as Error & { code?: unknown; errcode?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number')
      return SQLITE_BUSY_CODES.has(errcode & 0xff);
  }
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  // A connection refused on every address of a name arrives as an AggregateError.
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  return error.cause !== undefined && error.cause !== error && isDatabaseUnavailable(error.cause);
}
