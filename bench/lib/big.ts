// W-big: one user with many notes (100,000 by default), created through the API. Its first page
// and its next page should cost about what a 20-note user's page costs (within 1.5 ×), and a
// full-text search over all of them well under 10 × a list page. Costs are compared as
// throughput at saturation (the inverse of server time per request).
import { runAmount, runRounds, type RunOptions, type Watched } from './load.ts';
import type { EngineContext } from './engine.ts';
import type { RunningServer } from './processes.ts';
import { compare, toRow, type Row } from './report.ts';
import { call, sampleText, SeedError, type BenchUser, type Seeded } from './seed.ts';
import { CONNECTIONS, singleUserStream } from './workloads.ts';

/** In one note of a hundred; every note's title has the common word `note`. */
export const RARE_WORD = 'zephyr';
const COMMON_WORD = 'note';
const VARIANTS = 1000;

async function bigUser(url: string, runId: string): Promise<BenchUser> {
  const email = `bench-${runId}-big@example.com`;
  const password = 'correct horse battery staple big';
  const registered = await call(url, 'POST', '/api/v1/auth/register', {
    body: { email, password, name: 'Bench big user' },
  });
  if (registered.status !== 201) throw new SeedError(`register big user: ${registered.text}`);
  const answer = JSON.parse(registered.text) as { access_token: string; user: { id: string } };
  return { id: answer.user.id, email, password, token: answer.access_token };
}

export async function runBigWorkload(
  context: EngineContext,
  server: RunningServer,
  seeded: Seeded,
  run: RunOptions,
  watched: Watched,
): Promise<Row[]> {
  const { engine, options } = context;
  const big = await bigUser(server.url, context.runId);
  const created = await runAmount(
    {
      url: server.url,
      connections: 32,
      requests: Array.from({ length: VARIANTS }, (_, i) => ({
        method: 'POST' as const,
        path: '/api/v1/notes',
        headers: { authorization: `Bearer ${big.token}` },
        body: JSON.stringify({
          title: `Note ${i}: ${sampleText(i, 3)}`,
          body: sampleText(i * 31, 40) + (i % 100 === 0 ? ` ${RARE_WORD}` : ''),
          tags: ['bench', `topic-${i % 5}`],
        }),
      })),
    },
    options.bigNotes,
  );
  if (created.errors > 0)
    throw new SeedError(`creating the big user's notes: ${created.errors} errors`);
  console.log(
    `  ${engine}: ${options.bigNotes} notes for the big user in ${created.seconds.toFixed(0)} s`,
  );
  const first = await call(server.url, 'GET', '/api/v1/notes', { token: big.token });
  const cursor = (JSON.parse(first.text) as { next_cursor: string | null }).next_cursor;
  if (first.status !== 200 || !cursor) throw new SeedError(`big user's first page: ${first.text}`);

  const measure = async (name: string, user: BenchUser, query = ''): Promise<Row> => {
    const rounds = await runRounds([singleUserStream(server.url, user, query)], run, watched);
    return toRow(engine, name, CONNECTIONS.big, rounds);
  };
  const small = await measure('W-big small user page', seeded.users[0]!);
  const firstPage = await measure('W-big first page', big);
  const nextPage = await measure('W-big next page', big, `?cursor=${encodeURIComponent(cursor)}`);
  const rare = await measure(`W-big search rare`, big, `?q=${RARE_WORD}`);
  const common = await measure(`W-big search common`, big, `?q=${COMMON_WORD}`);
  // Cost × = how many times the time of the compared request (lower is better).
  compare(firstPage, 'small user page', small.rps / firstPage.rps, 1.5, true);
  compare(nextPage, 'small user page', small.rps / nextPage.rps, 1.5, true);
  compare(rare, 'big first page', firstPage.rps / rare.rps, 10, true);
  compare(common, 'big first page', firstPage.rps / common.rps, 10, true);
  return [small, firstPage, nextPage, rare, common];
}
