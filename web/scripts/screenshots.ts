// `npm run screenshots`: the pictures of the web app in docs/screenshots/, taken from the real
// server and Debian's Chromium with a small made-up account, at desktop and phone widths, in the
// light and the dark theme. Run `npm run build:web` first.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DESKTOP, PHONE, startWebFixture, type WebFixture } from '../../test/helpers/browser.ts';

const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const PASSWORD = 'correct horse battery staple';

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

async function post(context: BrowserContext, path: string, data: unknown): Promise<{ id: string }> {
  const csrf = (await context.cookies()).find((c) => c.name === 'jotter_csrf')?.value ?? '';
  const response = await context.request.post(path, { headers: { 'x-csrf-token': csrf }, data });
  if (!response.ok()) throw new Error(`${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** An account with a few notes and to-dos; returns the id of the note shown open. */
async function seed(context: BrowserContext, email: string): Promise<string> {
  await context.request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, name: 'Ada Lovelace', mode: 'cookie' },
  });
  await post(context, '/api/v1/notes', {
    title: 'Reading list',
    body: 'The Dispossessed, Ursula K. Le Guin\nThe Left Hand of Darkness\nA Memory Called Empire',
    tags: ['books'],
  });
  await post(context, '/api/v1/notes', {
    title: 'Trip to Lisbon',
    body: 'Flights booked for the 14th. Tram 28 early in the morning, before the crowds.\nPastéis de Belém.',
    tags: ['travel'],
  });
  await post(context, '/api/v1/notes', {
    title: 'Weekly groceries',
    body: 'Oat milk, eggs, sourdough, lemons, coffee beans',
    tags: ['home'],
    pinned: true,
  });
  const open = await post(context, '/api/v1/notes', {
    title: 'Analytical Engine: notes on the notes',
    body:
      'The engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.\n\n' +
      '- Note G: computing Bernoulli numbers\n- Cards for operations, cards for variables\n- Ask Charles about the store',
    tags: ['work', 'ideas'],
    pinned: true,
  });
  await post(context, '/api/v1/todos', { title: 'Renew passport', due_date: day(-3) });
  await post(context, '/api/v1/todos', { title: 'Call the plumber', due_date: day(0) });
  await post(context, '/api/v1/todos', { title: 'Book a table for Friday', due_date: day(2) });
  await post(context, '/api/v1/todos', { title: 'Water the plants' });
  await post(context, '/api/v1/todos', { title: 'Send the invoice', done: true });
  return open.id;
}

async function shoot(
  page: Page,
  name: string,
  path: string,
  ready: string,
  fullPage = false,
): Promise<void> {
  await page.goto(path);
  await page.getByText(ready, { exact: true }).first().waitFor();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
  console.log(`docs/screenshots/${name}.png`);
}

async function main(web: WebFixture): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const signedOut = await web.newContext();
  await shoot(await signedOut.newPage(), 'login', '/login', 'Log in to Jotter');
  await signedOut.close();

  for (const [theme, colorScheme] of [
    ['light', 'light'],
    ['dark', 'dark'],
  ] as const) {
    const desktop = await web.newContext({ viewport: DESKTOP, colorScheme });
    const noteId = await seed(desktop, `ada.${theme}@example.com`);
    const page = await desktop.newPage();
    await shoot(page, `notes-${theme}`, `/notes/${noteId}`, 'Saved');
    if (theme === 'light') {
      await shoot(page, 'todos', '/todos?show=all', 'Renew passport');
      await shoot(page, 'account', '/account', 'This device', true);
    }
    const phone = await web.newContext({ viewport: PHONE, colorScheme });
    const cookies = await desktop.cookies();
    await phone.addCookies(cookies);
    const phonePage = await phone.newPage();
    await shoot(phonePage, `phone-notes-${theme}`, '/notes', 'Pinned');
    if (theme === 'light') {
      await shoot(phonePage, 'phone-note', `/notes/${noteId}`, 'Saved');
      await shoot(phonePage, 'phone-todos', '/todos', 'Renew passport');
    }
    await desktop.close();
    await phone.close();
  }

  await web.createUser('grace@example.com', PASSWORD, 'admin');
  const admin = await web.newContext({ viewport: DESKTOP });
  await admin.request.post('/api/v1/auth/login', {
    data: { email: 'grace@example.com', password: PASSWORD, mode: 'cookie' },
  });
  await shoot(await admin.newPage(), 'admin', '/admin', 'grace@example.com');
  await admin.close();
}

const web = await startWebFixture();
try {
  await main(web);
} finally {
  await web.close();
}
