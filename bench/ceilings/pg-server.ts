// Ceiling `pg`: bare Fastify 5 running the notes list query through `pg` for the user named in
// the query string, and answering it. It runs Jotter's own statement (src/notes/page-json.ts:
// PostgreSQL writes the page's JSON, a named prepared statement on a pool of Jotter's size) and
// sends the text as Jotter does. No auth, no cursor signing, no query builder: one round trip to
// PostgreSQL and the answer, which is the floor under Jotter's list on PostgreSQL.
import Fastify from 'fastify';
import pg from 'pg';
import { bindings, notePageStatement, type PageValues } from '../../src/notes/page-json.ts';
import { READY_SCHEMA } from './page-schema.ts';

interface PageRow {
  items: string | null;
  ends: string | null;
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
app.get('/readyz', { schema: { response: { 200: READY_SCHEMA } } }, async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});
app.get<{ Querystring: { user: string } }>('/api/v1/notes', async (request, reply) => {
  const values: PageValues = {
    userId: request.query.user,
    archived: false,
    pinned: undefined,
    tag: undefined,
    limit: 20,
    after: undefined,
  };
  const statement = notePageStatement('postgres', values);
  const { rows } = await pool.query<PageRow>({
    name: statement.name,
    text: statement.text,
    values: bindings(statement, values),
  });
  const row = rows[0];
  const ends = row?.ends == null ? [] : (JSON.parse(row.ends) as unknown[]);
  // A cursor-sized stand-in: the ceiling does not sign cursors.
  const next = ends.length === 2 ? JSON.stringify('x'.repeat(120)) : 'null';
  return reply
    .header('content-type', 'application/json; charset=utf-8')
    .send(`{"items":${row?.items ?? '[]'},"next_cursor":${next}}`);
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
