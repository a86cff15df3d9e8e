// Ceiling `pg`: bare Fastify 5 running the notes list query through `pg` (a prepared statement on
// a pool of the same size as Jotter's) for the user named in the query string, and answering the
// rows through the same response schema. No auth, no query builder: one round trip to PostgreSQL
// and the answer, which is the floor under Jotter's list on PostgreSQL.
import Fastify from 'fastify';
import pg from 'pg';
import { NOTE_PAGE_SCHEMA, READY_SCHEMA } from './page-schema.ts';

const LIST_SQL =
  'SELECT id, title, body, tags, pinned, archived, version, created_at, updated_at FROM notes ' +
  'WHERE user_id = $1 AND archived = $2 ORDER BY updated_at DESC, id DESC LIMIT 21';

interface NoteRow {
  id: string;
  title: string;
  body: string;
  tags: string;
  pinned: boolean;
  archived: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
app.get('/readyz', { schema: { response: { 200: READY_SCHEMA } } }, async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});
app.get<{ Querystring: { user: string } }>(
  '/api/v1/notes',
  { schema: { response: { 200: NOTE_PAGE_SCHEMA } } },
  async (request) => {
    const { rows } = await pool.query<NoteRow>({
      name: 'ceiling-list',
      text: LIST_SQL,
      values: [request.query.user, false],
    });
    const items = rows.slice(0, 20).map((row) => ({
      id: row.id,
      title: row.title,
      body: row.body,
      tags: JSON.parse(row.tags) as string[],
      pinned: row.pinned,
      archived: row.archived,
      version: row.version,
      created_at: row.created_at,
      updated_at: row.updated_at,
    }));
    return { items, next_cursor: rows.length > 20 ? 'more' : null };
  },
);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
