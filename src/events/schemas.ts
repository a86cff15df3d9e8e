// The Event shape of API.md, its `type` filter, and how a row becomes it.
import { Type, type Static } from 'typebox';
import type { EventRow } from '../db/schema.ts';
import { EVENT_TYPES, type EventType } from './record.ts';

export const EventTypeSchema = Type.Enum(EVENT_TYPES, { description: 'A security event type' });

const eventFields = {
  id: Type.String(),
  type: EventTypeSchema,
  created_at: Type.String({ format: 'date-time' }),
  ip: Type.String({ description: 'Client address of the request that caused the event' }),
  user_agent: Type.String(),
  session_id: Type.Union([Type.String(), Type.Null()], {
    description: 'The session the request belonged to, when it had one',
  }),
  detail: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Facts particular to the type (the email tried, the role before and after, …)',
  }),
};

export const EventSchema = Type.Object(eventFields, {
  description: 'A security event on the caller’s account',
});

export const AdminEventSchema = Type.Object(
  {
    ...eventFields,
    user_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The account concerned; null for a login attempt on an unknown email',
    }),
  },
  { description: 'A security event, with the account it concerns' },
);

export type Event = Static<typeof EventSchema>;
export type AdminEvent = Static<typeof AdminEventSchema>;

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function toAdminEvent(row: EventRow): AdminEvent {
  return { ...eventOf(row), user_id: row.user_id };
}

function eventOf(row: EventRow): Event {
  return {
    id: row.id,
    type: row.type as EventType,
    created_at: row.created_at,
    ip: row.ip,
    user_agent: row.user_agent,
    session_id: row.session_id,
    detail: parseDetail(row.detail),
  };
}

/**
 * An event as the account holder sees it. When an administrator acted on the account, the
 * administrator's address, browser, session and id stay in the audit trail for admins only.
 */
export function toOwnEvent(row: EventRow): Event {
  const event = eventOf(row);
  const adminId = event.detail.admin_id;
  if (typeof adminId === 'string' && adminId !== row.user_id) {
    const detail = Object.fromEntries(
      Object.entries(event.detail).filter(([key]) => key !== 'admin_id'),
    );
    return {
      ...event,
      ip: '',
      user_agent: '',
      session_id: null,
      detail: { ...detail, by: 'admin' },
    };
  }
  return event;
}
