// `/metrics` in the Prometheus text format, and the hook that counts and times every answer.
// The route label is the route pattern (`/api/v1/notes/:id`), never the raw URL, so the number
// of series stays bounded whatever paths clients send; answers that matched no route (404, 405)
// share the label `unmatched`.
//
// When METRICS_TOKEN is set the endpoint wants it as a bearer token, compared in constant time;
// otherwise it is open, and should be reachable only from the monitoring network.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError } from '../http/errors.ts';
import { createAppMetrics } from './app-metrics.ts';
import { joinClusterMetrics } from './cluster.ts';
import { processMetricsRegistry } from './process-metrics.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when the request carries `Authorization: Bearer <token>` with exactly this token. */
function hasToken(request: FastifyRequest, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  // Digests have one length, so the comparison takes the same time for any presented token.
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

/** Adds the request hook to the root instance (so it sees every route and the 404 handler). */
export function installMetrics(app: FastifyInstance, db: Db, config: Config): void {
  const metrics = createAppMetrics(db);
  const processRegistry = processMetricsRegistry();
  const expectedToken = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  // With WORKERS > 1, every worker answers with the whole cluster's figures.
  const clusterMetrics = joinClusterMetrics([processRegistry, metrics.registry]);

  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.addHook('onClose', async () => metrics.close());

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expectedToken !== undefined && !hasToken(request, expectedToken)) {
      throw new AppError('unauthenticated', 'Send the metrics token as a bearer token.');
    }
    let text: string;
    try {
      text = clusterMetrics
        ? await clusterMetrics()
        : (await processRegistry.metrics()) + (await metrics.registry.metrics());
    } catch (error) {
      throw new AppError('service_unavailable', 'The metrics could not be collected.', {
        cause: error,
      });
    }
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
