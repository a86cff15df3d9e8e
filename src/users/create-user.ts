// `jotter users create`: make an account from the command line (the way to get a first admin).
import { newId } from '../db/ids.ts';
import type { Db } from '../db/connect.ts';
import { hashPassword, passwordWeakness } from '../auth/passwords.ts';
import { isEmailAddress, isStorableText } from '../http/schemas.ts';
import type { Role } from '../http/auth-context.ts';
import { emailKey, findUserByEmail, insertUser } from './repo.ts';
import type { UserRow } from '../db/schema.ts';

export class UserInputError extends Error {
  override name = 'UserInputError';
}

export async function createUserAccount(
  db: Db,
  input: { email: string; password: string; role: Role; name?: string },
): Promise<UserRow> {
  if (!isEmailAddress(input.email))
    throw new UserInputError(`${JSON.stringify(input.email)} is not an email address`);
  const name = input.name ?? '';
  if (!isStorableText(name) || [...name].length > 100)
    throw new UserInputError('the name must be at most 100 characters of text');
  if ([...input.password].length > 1024)
    throw new UserInputError('the password must be at most 1024 characters');
  const weakness = passwordWeakness(input.password);
  if (weakness) throw new UserInputError(`weak password: ${weakness}`);
  if (await findUserByEmail(db.kysely, input.email))
    throw new UserInputError(`an account with the email ${input.email} already exists`);
  const now = new Date().toISOString();
  return insertUser(db.kysely, {
    id: newId(),
    email: input.email,
    email_lower: emailKey(input.email),
    password_hash: await hashPassword(input.password),
    name,
    role: input.role,
    created_at: now,
    updated_at: now,
  });
}
