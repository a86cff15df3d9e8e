// Liveness and readiness. `/healthz` answers while the process runs; `/readyz` asks the database
// and answers 503 problem+json when it does not respond, so a load balancer stops sending work.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/connect.ts';
import { AppError } from '../http/errors.ts';

const Status = Type.Object({ status: Type.Literal('ok') });

export function healthRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async function (app) {
    app.get('/healthz', { schema: { hide: true, response: { 200: Status } } }, () => ({
      status: 'ok' as const,
    }));
    app.get('/readyz', { schema: { hide: true, response: { 200: Status } } }, async () => {
      if (!(await db.ping(2000))) {
        throw new AppError('service_unavailable', 'The database does not answer.', {
          headers: { 'retry-after': '5' },
        });
      }
      return { status: 'ok' as const };
    });
  };
}
