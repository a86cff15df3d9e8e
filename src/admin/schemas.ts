// The admin view of an account: API.md's User plus `disabled`.
import { Type, type Static } from 'typebox';
import type { UserRow } from '../db/schema.ts';
import { CursorQuery, LimitQuery, Strict, Text } from '../http/schemas.ts';
import { toUser, UserSchema } from '../users/schemas.ts';

export const AdminUserSchema = Type.Object(
  {
    ...UserSchema.properties,
    disabled: Type.Boolean({ description: 'A disabled account cannot log in and has no sessions' }),
  },
  { description: 'An account as administrators see it' },
);

export type AdminUser = Static<typeof AdminUserSchema>;

export function toAdminUser(row: UserRow): AdminUser {
  return { ...toUser(row), disabled: row.disabled };
}

export const UsersQuery = Type.Object({
  limit: Type.Optional(LimitQuery),
  cursor: Type.Optional(CursorQuery),
  q: Type.Optional(
    Text({ maxLength: 254, description: 'Part of the email (any case) or of the name' }),
  ),
});

export const AccountChangesBody = Strict({
  disabled: Type.Optional(
    Type.Boolean({ description: 'true disables the account and revokes all its sessions' }),
  ),
  role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('admin')])),
});
