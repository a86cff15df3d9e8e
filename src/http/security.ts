// Headers every answer carries (API.md, "Security headers"), CORS for listed origins only, and
// `Cache-Control: no-store` on the whole API: its answers carry tokens or account data, and a
// shared cache must never keep them.
//
// helmet says which headers and values; they are computed once, at start (and once per route
// that sets its own `helmet` options, such as the HTML pages' CSP), then copied onto each
// answer. @fastify/helmet instead builds the whole helmet middleware again on every request,
// which cost ~15 µs of every API request (bench/README.md, profiles).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

declare module 'fastify' {
  interface RouteShorthandOptions {
    /** Helmet options merged over the server's for this route (e.g. an HTML page's CSP). */
    helmet?: HelmetOptions;
  }
  interface FastifyContextConfig {
    securityHeaders?: Record<string, string>;
  }
}

/** JSON answers load nothing and may not be framed. */
const API_CSP = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/** The CSP of a server-rendered HTML page whose only inline code is the given style sheets. */
export function htmlPageCsp(inlineStyles: string[]): Record<string, string[]> {
  const hashes = inlineStyles.map(
    (css) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`,
  );
  return {
    defaultSrc: ["'none'"],
    styleSrc: hashes,
    imgSrc: ["'self'", 'data:'],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
    formAction: ["'none'"],
  };
}

/** The headers helmet sets with these options (its middleware run once against a recorder). */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  // Helmet throws on bad options (since 8.1) rather than passing them to `next`.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}

export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const options: HelmetOptions = {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    strictTransportSecurity: config.isHttps
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
  const serverHeaders = helmetHeaders(options);
  app.addHook('onRoute', (route) => {
    if (!route.helmet) return;
    route.config = {
      ...route.config,
      securityHeaders: helmetHeaders({ ...options, ...route.helmet } as HelmetOptions),
    };
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.config.securityHeaders ?? serverHeaders);
    done();
  });
  // With no listed origin there is no CORS at all: browsers then refuse cross-origin reads.
  if (config.corsOrigins.length === 0) return addCommonHeaders(app);
  await app.register(cors, {
    origin: config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-CSRF-Token'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'WWW-Authenticate'],
    // Cross-origin clients use bearer tokens; cookies stay with the built-in web app.
    credentials: false,
    maxAge: 600,
  });
  addCommonHeaders(app);
}

function addCommonHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    done();
  });
}
