// The User shape of API.md, and how a row becomes it (never with the password hash).
import { Type, type Static } from 'typebox';
import type { UserRow } from '../db/schema.ts';

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { description: 'An account (never with its password hash)' },
);

export type User = Static<typeof UserSchema>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
