// Signing in and up in cookie mode: the tokens go into httpOnly cookies the page never sees.
import { api, unwrap } from '../api/client.ts';
import type { User } from '../api/types.ts';

export async function logIn(email: string, password: string): Promise<User> {
  const answer = await unwrap(
    api.POST('/api/v1/auth/login', { body: { email, password, mode: 'cookie' } }),
  );
  return answer.user;
}

export async function signUp(email: string, password: string, name: string): Promise<User> {
  const answer = await unwrap(
    api.POST('/api/v1/auth/register', {
      body: name ? { email, password, name, mode: 'cookie' } : { email, password, mode: 'cookie' },
    }),
  );
  return answer.user;
}
