// Secrets that belong to the installation rather than to a user, made on first use and shared
// by every instance on the database (the key that signs list cursors, for one).
import type { Kysely } from 'kysely';
import type { Engine } from '../connect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('instance_secrets')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
}
