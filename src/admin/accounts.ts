// What an administrator does to an account: disable or enable it, change its role, delete it.
// Each change is one transaction. Disabling or deleting revokes every session of the account in
// that transaction (its access tokens stop working at once, on every instance). No change may leave
// the installation without an enabled administrator: that is 409 `last_admin`, whoever the
// target is (an admin demoting, disabling or deleting themselves included).
import { deleteSessions, sessionIdsOfUser } from '../auth/repo.ts';
import type { AuthService } from '../auth/service.ts';
import type { Db } from '../db/connect.ts';
import type { UserRow } from '../db/schema.ts';
import { isId } from '../db/ids.ts';
import type { SecurityEvent } from '../events/record.ts';
import { AppError } from '../http/errors.ts';
import { deleteUser, findUserById, lockUser } from '../users/repo.ts';
import { activeAdminIds, updateAccount } from './repo.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AccountChanges {
  disabled?: boolean;
  role?: 'user' | 'admin';
}

/** The event rows an action produces, before the actor's request facts are added. */
export type ActionEvent = Pick<SecurityEvent, 'type' | 'userId' | 'detail'>;

function isActiveAdmin(user: Pick<UserRow, 'role' | 'disabled'>): boolean {
  return user.role === 'admin' && !user.disabled;
}

function noSuchAccount(): AppError {
  return new AppError('not_found', 'No such account.');
}

/** Locks the administrators (PostgreSQL); the returned check refuses losing the last one. */
async function adminGuard(db: Db, trx: Kysely<Database>) {
  const admins = await activeAdminIds(trx, db.engine === 'postgres');
  return function requireAnotherAdmin(userId: string): void {
    if (admins.every((id) => id === userId)) {
      throw new AppError(
        'last_admin',
        'This would leave no enabled administrator; make another account an administrator first.',
      );
    }
  };
}

async function revokeEverySession(auth: AuthService, trx: Kysely<Database>, userId: string) {
  const sessionIds = await sessionIdsOfUser(trx, userId);
  await auth.revocation.revoke(
    trx,
    sessionIds.map((sessionId) => ({ sessionId, userId })),
  );
  await deleteSessions(trx, sessionIds);
  return sessionIds.length;
}

export async function changeAccount(
  db: Db,
  auth: AuthService,
  adminId: string,
  userId: string,
  changes: AccountChanges,
): Promise<{ user: UserRow; events: ActionEvent[] }> {
  if (!isId(userId)) throw noSuchAccount();
  return db.kysely.transaction().execute(async (trx) => {
    const requireAnotherAdmin = await adminGuard(db, trx);
    const before = await findUserById(trx, userId);
    if (!before) throw noSuchAccount();
    const disabled = changes.disabled ?? before.disabled;
    const role = changes.role ?? before.role;
    if (disabled === before.disabled && role === before.role) return { user: before, events: [] };
    if (isActiveAdmin(before) && !isActiveAdmin({ role, disabled })) {
      requireAnotherAdmin(userId);
    }
    await updateAccount(trx, userId, { disabled, role });
    const events: ActionEvent[] = [];
    if (role !== before.role) {
      events.push({
        type: 'role_changed',
        userId,
        detail: { from: before.role, to: role, admin_id: adminId },
      });
    }
    if (disabled && !before.disabled) {
      const revoked = await revokeEverySession(auth, trx, userId);
      events.push({
        type: 'account_disabled',
        userId,
        detail: { sessions_revoked: revoked, admin_id: adminId },
      });
    } else if (!disabled && before.disabled) {
      events.push({ type: 'account_enabled', userId, detail: { admin_id: adminId } });
    }
    return { user: (await findUserById(trx, userId))!, events };
  });
}

export async function deleteAccount(
  db: Db,
  auth: AuthService,
  adminId: string,
  userId: string,
): Promise<ActionEvent> {
  if (!isId(userId)) throw noSuchAccount();
  return db.kysely.transaction().execute(async (trx) => {
    const requireAnotherAdmin = await adminGuard(db, trx);
    // The account's row lock before its sessions are listed: a login racing the deletion has
    // either started its session (listed and revoked) or waits and then finds no account.
    await lockUser(trx, db.engine, userId);
    const user = await findUserById(trx, userId);
    if (!user) throw noSuchAccount();
    if (isActiveAdmin(user)) requireAnotherAdmin(userId);
    const revoked = await revokeEverySession(auth, trx, userId);
    // The account goes with everything that carries its id (sessions, notes, to-dos); its
    // security events stay until retention removes them.
    await deleteUser(trx, userId);
    return {
      type: 'account_deleted' as const,
      userId,
      detail: { email: user.email, sessions_revoked: revoked, admin_id: adminId },
    };
  });
}
