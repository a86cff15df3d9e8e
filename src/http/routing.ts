// Unknown routes and methods. Fastify answers 404 for a method a path does not have; API.md wants
// 405 with an `Allow` header, so every route is mirrored into a small router that only answers
// "which methods does this path have".
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { sendProblem } from './problem.ts';

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function createMethodIndex(app: FastifyInstance): (request: FastifyRequest) => string[] {
  const index = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true });
  app.addHook('onRoute', (route) => {
    // Catch-all routes (CORS preflight) answer any path; they say nothing about which exist.
    if (route.url.includes('*')) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]) as HTTPMethod[];
    for (const method of methods) {
      if (!METHODS.includes(method) || index.hasRoute(method, route.url)) continue;
      index.on(method, route.url, () => {});
      if (method === 'GET' && !index.hasRoute('HEAD', route.url))
        index.on('HEAD', route.url, () => {});
    }
  });
  return (request) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    return METHODS.filter((method) => index.find(method, path) !== null);
  };
}

/**
 * The 404/405 handler. `clientRoute`, when given, may answer first: the web app claims GET paths
 * it routes in the browser (see src/web/routes.ts) and returns undefined for the rest.
 */
export function notFoundHandler(
  allowedMethods: (request: FastifyRequest) => string[],
  clientRoute?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (request, reply) => {
    const page = clientRoute?.(request, reply);
    if (page) return page;
    const allowed = allowedMethods(request);
    if (allowed.length > 0) {
      return sendProblem(
        reply,
        new AppError('method_not_allowed', `${request.method} is not allowed here.`, {
          headers: { allow: allowed.join(', ') },
        }),
      );
    }
    return sendProblem(reply, new AppError('not_found', 'No such resource.'));
  };
}
