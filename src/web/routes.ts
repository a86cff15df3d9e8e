// The web app: the files `vite build` wrote to web/dist, served at `/`. Hashed files under
// /assets/ never change, so browsers keep them a year; index.html is revalidated on every visit so
// a new build reaches users at once. Paths the app routes itself (/notes, /account, …) answer
// index.html through the not-found handler (see `isClientRoute`); the API, /.well-known/ and the
// operations paths keep their problem+json 404s. Without a build, a page says how to make one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { htmlPageCsp, serializeCsp, webAppCsp } from '../http/security.ts';

export const DEFAULT_WEB_ROOT = join(import.meta.dirname, '..', '..', 'web', 'dist');

/** Prefixes the app never routes: matched case-insensitively so `/API/…` is a 404 too. */
const RESERVED_PREFIXES = ['/api/', '/.well-known/', '/assets/'];
const RESERVED_PATHS = ['/api', '/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'];

const ONE_YEAR = 31_536_000;

/** A GET for a path the browser app may route, such as `/notes/0193…` or `/account`. */
export function isClientRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = (request.url.split('?', 1)[0] ?? '/').toLowerCase();
  if (RESERVED_PREFIXES.some((prefix) => path.startsWith(prefix))) return false;
  if (RESERVED_PATHS.some((reserved) => path === reserved || path.startsWith(`${reserved}/`))) {
    return false;
  }
  // A missing file (`/favicon.ico`, `/robots.txt`) is a 404, not the app: no route has a dot.
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return !lastSegment.includes('.');
}

const MISSING_STYLE = `body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
:root { color-scheme: light dark; } code { font-size: 0.95em; }`;

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jotter: web app not built</title><style>${MISSING_STYLE}</style></head>
<body><main><h1>The web app is not built</h1>
<p>The server is running and the API answers, but the browser app has not been built yet
(<code>web/dist</code> is missing). Build it with <code>npm run build:web</code>
(<code>npm install</code> does this too), then reload this page.</p>
<p>The API reference is at <a href="/docs">/docs</a>.</p>
</main></body></html>`;

const MISSING_PAGE_CSP = htmlPageCsp([MISSING_STYLE]);

export interface WebApp {
  /** Registers the static files and `/`. */
  routes: (app: FastifyInstance) => Promise<void>;
  /** Answers a client-side route with the app's page (called by the not-found handler). */
  sendPage: (reply: FastifyReply) => FastifyReply;
}

function cacheHeaders(reply: FastifyReply, path: string): void {
  const hashed = path.includes('/assets/');
  reply.header(
    'cache-control',
    hashed ? `public, max-age=${ONE_YEAR}, immutable` : 'public, max-age=3600',
  );
}

/** Loads the built app from `root` (web/dist), or the "not built" page when it is missing. */
export function loadWebApp(root: string = DEFAULT_WEB_ROOT): WebApp {
  const indexFile = join(root, 'index.html');
  const indexHtml = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : undefined;

  function sendPage(reply: FastifyReply): FastifyReply {
    if (indexHtml === undefined) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-security-policy', serializeCsp(MISSING_PAGE_CSP))
        .send(MISSING_PAGE);
    }
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', serializeCsp(webAppCsp()))
      .send(indexHtml);
  }

  async function routes(app: FastifyInstance): Promise<void> {
    app.get('/', { schema: { hide: true } }, (_request, reply) => sendPage(reply));
    if (indexHtml === undefined) {
      app.log.warn(`web app not built (${indexFile} is missing); run npm run build:web`);
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file, listed at start: nothing outside web/dist is reachable and
      // unknown paths fall through to the not-found handler.
      wildcard: false,
      index: false,
      globIgnore: ['index.html', '**/*.gz', '**/*.br', '**/*.map'],
      preCompressed: true,
      cacheControl: false,
      dotfiles: 'ignore',
      serveDotFiles: false,
      decorateReply: false,
      schemaHide: true,
      setHeaders: cacheHeaders,
    });
  }

  return { routes, sendPage };
}
