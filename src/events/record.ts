// The security audit trail: one row per event that matters to an account's safety. Writers call
// recordEvent; a failure to record is logged and never fails the request that caused it.
import { newId } from '../db/ids.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect.ts';

export const EVENT_TYPES = [
  'login_succeeded',
  'login_failed',
  'login_throttled',
  'refresh_reused',
  'password_changed',
  'email_changed',
  'session_revoked',
  'account_disabled',
  'account_enabled',
  'role_changed',
  'account_deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface SecurityEvent {
  type: EventType;
  userId: string | null;
  sessionId?: string | null;
  ip: string;
  userAgent: string;
  detail?: Record<string, unknown>;
}

export async function recordEvent(
  db: Db,
  log: FastifyBaseLogger,
  event: SecurityEvent,
): Promise<void> {
  try {
    await db.kysely
      .insertInto('events')
      .values({
        id: newId(),
        user_id: event.userId,
        type: event.type,
        created_at: new Date().toISOString(),
        ip: event.ip,
        user_agent: event.userAgent,
        session_id: event.sessionId ?? null,
        detail: JSON.stringify(event.detail ?? {}),
      })
      .execute();
  } catch (error) {
    log.error({ err: error, event: event.type }, 'could not record security event');
  }
}
