// Registration and login. Unknown email and wrong password get the same answer after the same
// work (an argon2 verification against a dummy hash), so neither the body nor the timing tells
// whether an account exists. Attempts are counted before the password is checked.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { newId } from '../db/ids.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { UserRow } from '../db/schema.ts';
import { recordEvent } from '../events/record.ts';
import { AppError } from '../http/errors.ts';
import { emailKey, findUserByEmail, insertUser, isUniqueViolation } from '../users/repo.ts';
import { toUser } from '../users/schemas.ts';
import { clientOf } from './client.ts';
import { setSessionCookies } from './cookies.ts';
import { publishLoginOutcome } from './outcomes.ts';
import { hashPassword, passwordWeakness, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { LoginBody, RegisterBody } from './schemas.ts';
import type { AuthService } from './service.ts';

export interface AuthDeps {
  db: Db;
  config: Config;
  auth: AuthService;
}

/** Throws `weak_password` when a new password breaks the strength rules. */
export function assertStrongPassword(password: string, field = '/password'): void {
  const weakness = passwordWeakness(password);
  if (weakness)
    throw new AppError('weak_password', weakness, { errors: [{ field, message: weakness }] });
}

/** Starts a session for `user` and answers in the requested mode (with the session's id). */
async function answerWithSession(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  mode: 'token' | 'cookie' | undefined,
  verifiedPasswordHash?: string,
) {
  const issued = await deps.auth.startSession(user, clientOf(request), verifiedPasswordHash);
  const sessionId = issued.session.id;
  if (mode === 'cookie') {
    const csrfToken = deps.auth.csrf.tokenFor(sessionId);
    setSessionCookies(reply, deps.config, {
      ...issued,
      csrfToken,
      expiresAt: issued.session.expires_at,
    });
    return {
      sessionId,
      answer: { user: toUser(user), csrf_token: csrfToken, expires_in: issued.expiresIn },
    };
  }
  return {
    sessionId,
    answer: {
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      token_type: 'Bearer' as const,
      expires_in: issued.expiresIn,
      user: toUser(user),
    },
  };
}

export function registerHandler(deps: AuthDeps) {
  return async function register(
    request: FastifyRequest<{ Body: Static<typeof RegisterBody> }>,
    reply: FastifyReply,
  ) {
    const { email, password, name = '', mode } = request.body;
    await deps.auth.throttles.countRegistration(request.ip);
    assertStrongPassword(password);
    if (await findUserByEmail(deps.db.kysely, email)) {
      throw new AppError('email_taken', 'An account with this email already exists.', {
        errors: [{ field: '/email', message: 'is already registered' }],
      });
    }
    const now = new Date().toISOString();
    let user: UserRow;
    try {
      user = await insertUser(deps.db.kysely, {
        id: newId(),
        email,
        email_lower: emailKey(email),
        password_hash: await hashPassword(password),
        name,
        role: 'user',
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      // Two registrations of one address at once: the database's unique index decides.
      if (isUniqueViolation(error))
        throw new AppError('email_taken', 'An account with this email already exists.');
      throw error;
    }
    const { answer } = await answerWithSession(deps, request, reply, user, mode);
    return reply.code(201).send(answer);
  };
}

export function loginHandler(deps: AuthDeps) {
  return async function login(
    request: FastifyRequest<{ Body: Static<typeof LoginBody> }>,
    reply: FastifyReply,
  ) {
    const { email, password, mode } = request.body;
    const client = clientOf(request);
    try {
      await deps.auth.throttles.beginLogin(email, client.ip);
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') {
        publishLoginOutcome('throttled');
        const user = await findUserByEmail(deps.db.kysely, email);
        await recordEvent(deps.db, request.log, {
          type: 'login_throttled',
          userId: user?.id ?? null,
          ...client,
          detail: { email },
        });
      }
      throw error;
    }
    const user = await findUserByEmail(deps.db.kysely, email);
    const isValid = user
      ? await verifyPassword(user.password_hash, password)
      : await verifyAgainstDummy(password);
    if (!user || !isValid) {
      publishLoginOutcome('failed');
      await recordEvent(deps.db, request.log, {
        type: 'login_failed',
        userId: user?.id ?? null,
        ...client,
        detail: { email },
      });
      throw new AppError('invalid_credentials', 'The email or password is wrong.');
    }
    if (user.disabled) {
      publishLoginOutcome('disabled');
      // The right password for a disabled account is still a failed login, worth auditing.
      await recordEvent(deps.db, request.log, {
        type: 'login_failed',
        userId: user.id,
        ...client,
        detail: { email, reason: 'account_disabled' },
      });
      throw new AppError('account_disabled', 'This account has been disabled.');
    }
    await deps.auth.throttles.loginSucceeded(email, client.ip);
    const { answer, sessionId } = await answerWithSession(
      deps,
      request,
      reply,
      user,
      mode,
      user.password_hash,
    );
    publishLoginOutcome('succeeded');
    await recordEvent(deps.db, request.log, {
      type: 'login_succeeded',
      userId: user.id,
      sessionId,
      ...client,
    });
    return answer;
  };
}
