// Accounts and sessions for tests, made through the public API like any client would.
import { randomInt } from 'node:crypto';
import type { App } from '../../src/app.ts';
import type { User } from '../../src/users/schemas.ts';

export interface SignedUp {
  user: User;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: 'Bearer …' }` for inject. */
  headers: { authorization: string };
}

export interface CookieSession {
  user: User;
  csrfToken: string;
  /** The three cookies by name. */
  cookies: Record<string, string>;
  /** `{ cookie, 'x-csrf-token' }` for inject. */
  headers: { cookie: string; 'x-csrf-token': string };
}

/**
 * A fresh address. The random part is digits only, so a test that searches for letters (`ada`)
 * never matches an address by chance, as hex could.
 */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomInt(1e12).toString().padStart(12, '0')}@example.com`;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function signUp(
  app: App,
  options: { email?: string; password?: string; name?: string } = {},
): Promise<SignedUp> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? TEST_PASSWORD;
  const body: Record<string, string> = { email, password };
  if (options.name !== undefined) body.name = options.name;
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: body,
  });
  if (response.statusCode !== 201)
    throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const answer = response.json<{ user: User; access_token: string; refresh_token: string }>();
  return {
    user: answer.user,
    email,
    password,
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    headers: { authorization: `Bearer ${answer.access_token}` },
  };
}

/** Reads the Set-Cookie headers of an answer into name → value (cleared cookies are ''). */
export function cookiesOf(response: {
  cookies: { name: string; value: string }[];
}): Record<string, string> {
  return Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]));
}

export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

export async function loginWithCookies(
  app: App,
  email: string,
  password: string,
): Promise<CookieSession> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, mode: 'cookie' },
  });
  if (response.statusCode !== 200)
    throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const answer = response.json<{ user: User; csrf_token: string }>();
  const cookies = cookiesOf(response);
  return {
    user: answer.user,
    csrfToken: answer.csrf_token,
    cookies,
    headers: { cookie: cookieHeader(cookies), 'x-csrf-token': answer.csrf_token },
  };
}

export async function loginWithToken(
  app: App,
  email: string,
  password: string,
): Promise<{ accessToken: string; refreshToken: string; headers: { authorization: string } }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const answer = response.json<{ access_token: string; refresh_token: string }>();
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    headers: { authorization: `Bearer ${answer.access_token}` },
  };
}
