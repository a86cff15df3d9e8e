// Headers every answer carries (API.md, "Security headers"), CORS for listed origins only, and
// `Cache-Control: no-store` on the whole API: its answers carry tokens or account data, and a
// shared cache must never keep them.
import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

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

/**
 * The CSP of the browser app (web/dist): its scripts, styles, fonts and API calls come from this
 * origin only, with no inline script or style; Pico's icons are `data:` images.
 */
export function webAppCsp(): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/** A directives object (helmet's camelCase names) as a `Content-Security-Policy` header value. */
export function serializeCsp(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => {
      const header = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      return `${header} ${values.join(' ')}`;
    })
    .join('; ');
}

export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    strictTransportSecurity: config.isHttps
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
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
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
}
