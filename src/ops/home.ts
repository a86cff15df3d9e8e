// `/`: a small landing page until the web app is served here.
import type { FastifyInstance } from 'fastify';
import { htmlPageCsp } from '../http/security.ts';

const STYLE = `body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
:root { color-scheme: light dark; }`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jotter</title><style>${STYLE}</style></head>
<body><main><h1>Jotter</h1>
<p>Your notes and to-dos, behind a token-secured API.</p>
<p>The API reference is at <a href="/docs">/docs</a>; the OpenAPI document at <a href="/openapi.json">/openapi.json</a>.</p>
</main></body></html>`;

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/',
    {
      schema: { hide: true },
      helmet: { contentSecurityPolicy: { useDefaults: false, directives: htmlPageCsp([STYLE]) } },
    },
    (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE),
  );
}
