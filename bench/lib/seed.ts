// Seeding through the public API only, as a client would: register the users, give each its
// notes, log each in. Nothing is written to the database behind the server's back, so the data
// the workloads read is exactly what the API makes.

export interface BenchUser {
  id: string;
  email: string;
  password: string;
  /** An access token from the user's login. */
  token: string;
}

export interface Seeded {
  users: BenchUser[];
  /** False when the server has no notes API yet (POST /api/v1/notes answers 404). */
  hasNotes: boolean;
  /** The first page of the first user's notes, exactly as the server sent it. */
  samplePage: string | undefined;
}

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Runs `work(i)` for i in 0..count-1, at most `concurrency` at a time. */
export async function inParallel(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) await work(next++);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export async function call(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, text: await response.text() };
}

async function expectStatus(
  what: string,
  answer: Promise<{ status: number; text: string }>,
  status: number,
): Promise<string> {
  const { status: got, text } = await answer;
  if (got !== status) throw new SeedError(`${what}: expected ${status}, got ${got}: ${text}`);
  return text;
}

const WORDS = (
  'able acid aged also area army away baby back ball band bank base bath bear beat been beer ' +
  'bell belt best bill bird blow blue boat body bomb bond bone book boom born boss both bowl ' +
  'bulk burn bush busy call calm came camp card care case cash cast cell chat chip city club ' +
  'coal coat code cold come cook cool cope copy core cost crew crop dark data date dawn days'
).split(' ');

/** Deterministic text of about `words` words, different for every seed. */
export function sampleText(seed: number, words: number): string {
  const out: string[] = [];
  let state = (seed * 2654435761) >>> 0;
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out.push(WORDS[state % WORDS.length]!);
  }
  return out.join(' ');
}

/** A note of the size the workloads read: a short title, a paragraph, two tags. */
export function sampleNote(user: number, index: number): object {
  return {
    title: `Note ${index + 1} of user ${user + 1}: ${sampleText(user * 1000 + index, 3)}`,
    body: sampleText(user * 7919 + index, 40),
    tags: ['bench', `topic-${index % 5}`],
  };
}

export async function seed(
  url: string,
  options: { users: number; notesPerUser: number; runId: string },
): Promise<Seeded> {
  const users: BenchUser[] = Array.from({ length: options.users }, (_, i) => ({
    id: '',
    email: `bench-${options.runId}-${i}@example.com`,
    password: `correct horse battery staple ${i}`,
    token: '',
  }));
  let hasNotes = true;
  const probe = await call(url, 'POST', '/api/v1/notes', { body: {} });
  if (probe.status === 404) hasNotes = false;

  await inParallel(users.length, 4, async (i) => {
    const user = users[i]!;
    const text = await expectStatus(
      `register ${user.email}`,
      call(url, 'POST', '/api/v1/auth/register', {
        body: { email: user.email, password: user.password, name: `Bench user ${i + 1}` },
      }),
      201,
    );
    const token = (JSON.parse(text) as { access_token: string }).access_token;
    if (!hasNotes) return;
    for (let n = 0; n < options.notesPerUser; n++) {
      await expectStatus(
        'create note',
        call(url, 'POST', '/api/v1/notes', { token, body: sampleNote(i, n) }),
        201,
      );
    }
  });
  await inParallel(users.length, 4, async (i) => {
    const user = users[i]!;
    const text = await expectStatus(
      `login ${user.email}`,
      call(url, 'POST', '/api/v1/auth/login', {
        body: { email: user.email, password: user.password },
      }),
      200,
    );
    const answer = JSON.parse(text) as { access_token: string; user: { id: string } };
    user.token = answer.access_token;
    user.id = answer.user.id;
  });
  const samplePage = hasNotes
    ? await expectStatus(
        'list notes',
        call(url, 'GET', '/api/v1/notes', { token: users[0]!.token }),
        200,
      )
    : undefined;
  return { users, hasNotes, samplePage };
}
