// Administrators for tests: an account registered through the API, promoted in the database (as
// `jotter users create --role admin` would make it), then logged in again so its token says so.
import type { App } from '../../src/app.ts';
import type { Db } from '../../src/db/connect.ts';
import { loginWithToken, signUp, type SignedUp } from './auth.ts';

export async function signUpAdmin(app: App, db: Db, name = 'Admin'): Promise<SignedUp> {
  const account = await signUp(app, { name });
  await db.kysely
    .updateTable('users')
    .set({ role: 'admin' })
    .where('id', '=', account.user.id)
    .execute();
  const session = await loginWithToken(app, account.email, account.password);
  return { ...account, ...session, user: { ...account.user, role: 'admin' } };
}
