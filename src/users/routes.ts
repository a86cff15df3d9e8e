// The Users section of API.md: the caller's own account.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { assertStrongPassword, type AuthDeps } from '../auth/credentials.ts';
import { clientOf } from '../auth/client.ts';
import { clearSessionCookies } from '../auth/cookies.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { sessionIdsOfUser } from '../auth/repo.ts';
import { PasswordSchema } from '../auth/schemas.ts';
import { recordEvent } from '../events/record.ts';
import { AppError } from '../http/errors.ts';
import { AUTHENTICATED, EmailSchema, NoContent, Strict, Text } from '../http/schemas.ts';
import {
  deleteUser,
  findUserByEmail,
  findUserById,
  isUniqueViolation,
  lockUser,
  updatePasswordHash,
  updateUserProfile,
} from './repo.ts';
import { toUser, UserSchema } from './schemas.ts';
import type { UserRow } from '../db/schema.ts';

const tags = ['Users'];

function wrongPassword(field: string): AppError {
  return new AppError('invalid_credentials', 'The password is wrong.', {
    status: 403,
    errors: [{ field, message: 'is wrong' }],
  });
}

export function userRoutes(deps: AuthDeps): FastifyPluginAsyncTypebox {
  const { db, auth, config } = deps;

  async function currentUser(userId: string) {
    const user = await findUserById(db.kysely, userId);
    if (!user) throw new AppError('not_found', 'This account no longer exists.');
    return user;
  }

  /** Checks the caller's password; wrong guesses count against the login throttle. */
  async function confirmPassword(userId: string, ip: string, password: string, field: string) {
    const user = await currentUser(userId);
    await auth.throttles.beginLogin(user.email, ip);
    if (!(await verifyPassword(user.password_hash, password))) throw wrongPassword(field);
    await auth.throttles.loginSucceeded(user.email, ip);
    return user;
  }

  return async function (app) {
    app.get('/me', {
      schema: {
        operationId: 'getMe',
        tags,
        summary: 'Your account',
        security: AUTHENTICATED,
        response: { 200: UserSchema },
      },
      handler: async (request) => toUser(await currentUser(request.auth.userId)),
    });

    app.patch('/me', {
      schema: {
        operationId: 'updateMe',
        tags,
        summary: 'Change your name or email',
        security: AUTHENTICATED,
        body: Strict({
          name: Type.Optional(Text({ maxLength: 100 })),
          email: Type.Optional(EmailSchema),
        }),
        response: { 200: UserSchema },
      },
      handler: async (request) => {
        const { userId, sessionId } = request.auth;
        const before = await currentUser(userId);
        const { name, email } = request.body;
        const changesEmail = email !== undefined && email !== before.email;
        if (
          changesEmail &&
          email.toLowerCase() !== before.email_lower &&
          (await findUserByEmail(db.kysely, email))
        ) {
          throw new AppError('email_taken', 'An account with this email already exists.', {
            errors: [{ field: '/email', message: 'is already registered' }],
          });
        }
        let after: UserRow | undefined;
        try {
          after = await updateUserProfile(db.kysely, userId, {
            name,
            email: changesEmail ? email : undefined,
          });
        } catch (error) {
          if (isUniqueViolation(error))
            throw new AppError('email_taken', 'An account with this email already exists.');
          throw error;
        }
        if (changesEmail) {
          await recordEvent(db, request.log, {
            type: 'email_changed',
            userId,
            sessionId,
            ...clientOf(request),
            detail: { from: before.email, to: email },
          });
        }
        if (!after) throw new AppError('not_found', 'This account no longer exists.');
        return toUser(after);
      },
    });

    app.post('/me/password', {
      schema: {
        operationId: 'changePassword',
        tags,
        summary: 'Change your password; every other session is revoked',
        security: AUTHENTICATED,
        body: Strict({ current_password: PasswordSchema, new_password: PasswordSchema }),
        response: { 204: NoContent },
      },
      handler: async (request, reply) => {
        const { userId, sessionId } = request.auth;
        const { current_password, new_password } = request.body;
        assertStrongPassword(new_password, '/new_password');
        await confirmPassword(userId, request.ip, current_password, '/current_password');
        const passwordHash = await hashPassword(new_password);
        // One transaction: a login that checked the old password either started its session
        // before the change (and is revoked here) or finds the new hash and fails.
        const revoked = await db.kysely.transaction().execute(async (trx) => {
          await updatePasswordHash(trx, userId, passwordHash);
          return auth.revokeAllSessions(userId, sessionId, trx);
        });
        await recordEvent(db, request.log, {
          type: 'password_changed',
          userId,
          sessionId,
          ...clientOf(request),
          detail: { sessions_revoked: revoked.length },
        });
        return reply.code(204).send(null);
      },
    });

    app.delete('/me', {
      schema: {
        operationId: 'deleteMe',
        tags,
        summary: 'Delete your account with its sessions, notes and to-dos',
        security: AUTHENTICATED,
        body: Strict({ password: PasswordSchema }),
        response: { 204: NoContent },
      },
      handler: async (request, reply) => {
        const { userId, sessionId, via } = request.auth;
        const user = await confirmPassword(userId, request.ip, request.body.password, '/password');
        // One transaction: the sessions are revoked (every instance refuses their tokens) and the
        // user goes with everything that carries its id.
        await db.kysely.transaction().execute(async (trx) => {
          // The row lock first: a login racing the deletion has either started its session
          // (listed and revoked below) or waits and then finds no account.
          await lockUser(trx, db.engine, userId);
          const sessionIds = await sessionIdsOfUser(trx, userId);
          await auth.revocation.revoke(
            trx,
            sessionIds.map((id) => ({ sessionId: id, userId })),
          );
          await deleteUser(trx, userId);
        });
        await recordEvent(db, request.log, {
          type: 'account_deleted',
          userId,
          sessionId,
          ...clientOf(request),
          detail: { email: user.email },
        });
        if (via === 'cookie') clearSessionCookies(reply, config);
        return reply.code(204).send(null);
      },
    });
  };
}
