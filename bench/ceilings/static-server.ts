// Ceiling `static`: bare Fastify 5 answering GET /api/v1/notes with a fixed 20-note page (the page
// Jotter answered for a seeded user, so the same size) through a response schema. No auth, no
// database: the most a Fastify server can do for this answer on this machine.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { NOTE_PAGE_SCHEMA, READY_SCHEMA } from './page-schema.ts';

const page = JSON.parse(readFileSync(process.env.CEILING_PAGE_FILE!, 'utf8')) as object;
const app = Fastify({ logger: false });
app.get('/readyz', { schema: { response: { 200: READY_SCHEMA } } }, () => ({ status: 'ok' }));
app.get('/api/v1/notes', { schema: { response: { 200: NOTE_PAGE_SCHEMA } } }, () => page);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
