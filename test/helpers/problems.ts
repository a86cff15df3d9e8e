// Assertions on problem+json answers.
import assert from 'node:assert/strict';

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json<T = unknown>(): T;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export function assertProblem(response: Answer, status: number, code: string): ProblemBody {
  assert.equal(
    response.statusCode,
    status,
    `expected ${status} ${code}, got ${response.statusCode} ${response.body}`,
  );
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json<ProblemBody>();
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(body.type, `/problems/${code}`);
  if (status === 401) {
    const challenge = String(response.headers['www-authenticate']);
    if (code === 'invalid_token' || code === 'token_expired') {
      assert.equal(challenge, 'Bearer realm="jotter", error="invalid_token"');
    } else {
      assert.equal(challenge, 'Bearer realm="jotter"');
    }
  }
  return body;
}
