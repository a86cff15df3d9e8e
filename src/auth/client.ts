// Facts about the caller that sessions and events record: the client address (after TRUST_PROXY)
// and the user agent, cut to a sane length and stripped of what PostgreSQL cannot store.
import type { FastifyRequest } from 'fastify';

export interface ClientInfo {
  ip: string;
  userAgent: string;
}

const USER_AGENT_LIMIT = 512;

export function clientOf(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'] ?? '';
  return {
    ip: request.ip,
    userAgent: userAgent.replaceAll('\u0000', '').slice(0, USER_AGENT_LIMIT).toWellFormed(),
  };
}
