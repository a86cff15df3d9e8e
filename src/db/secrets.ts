// Per-installation secrets: made once, stored in the database, shared by every instance on it.
import { randomBytes } from 'node:crypto';
import type { Db } from './connect.ts';

/** Returns the secret called `name`, creating it (32 random bytes) on first use. */
export async function loadServerSecret(db: Db, name: string): Promise<Buffer> {
  await db.kysely
    .insertInto('server_secrets')
    .values({
      name,
      value: randomBytes(32).toString('base64url'),
      created_at: new Date().toISOString(),
    })
    // Two instances starting together: the first insert wins, both read the same value.
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}
