// Which failures count as "the database is not there right now" (503) rather than a bug (500).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';

function withCode(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('database-unavailable errors', () => {
  test('lost, refused and refused-for-now connections are unavailable', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
      withCode('terminating connection due to administrator command', { code: '57P01' }),
      withCode('the database system is starting up', { code: '57P03' }),
      withCode('sorry, too many clients already', { code: '53300' }),
      withCode('connection failure', { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new AggregateError([withCode('refused', { code: 'ECONNREFUSED' })], 'all addresses'),
      new Error('wrapped', { cause: withCode('reset', { code: 'ECONNRESET' }) }),
      withCode('database is locked', { code: 'ERR_SQLITE_ERROR', errcode: 5 }),
    ])
      assert.equal(isDatabaseUnavailable(error), true, error.message);
  });

  test('query bugs and constraint violations are not', () => {
    for (const error of [
      withCode('syntax error at or near', { code: '42601' }),
      withCode('duplicate key value', { code: '23505' }),
      withCode('UNIQUE constraint failed', { code: 'ERR_SQLITE_ERROR', errcode: 2067 }),
      new TypeError('cannot read properties of undefined'),
      'a string',
      undefined,
    ])
      assert.equal(isDatabaseUnavailable(error), false, String(error));
  });
});
