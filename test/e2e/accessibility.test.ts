// Accessibility: axe-core finds no serious or critical violation on any page of the app, at
// desktop and phone widths, in the light and the dark theme (which follows the system).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import {
  browserSkipReason,
  DESKTOP,
  newEmail,
  PASSWORD,
  PHONE,
  startWebFixture,
  type WebFixture,
} from '../helpers/browser.ts';

interface Screen {
  name: string;
  path: string;
  /** Waits for the page to be ready (and puts it in the state to check). */
  ready: (page: Page) => Promise<void>;
}

async function seed(context: BrowserContext, email: string): Promise<string> {
  const register = await context.request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, name: 'Ada', mode: 'cookie' },
  });
  assert.equal(register.status(), 201);
  const csrf = (await context.cookies()).find((c) => c.name === 'jotter_csrf')?.value ?? '';
  const headers = { 'x-csrf-token': csrf };
  const note = await context.request.post('/api/v1/notes', {
    headers,
    data: { title: 'Groceries', body: 'Milk, eggs', tags: ['home'], pinned: true },
  });
  await context.request.post('/api/v1/notes', {
    headers,
    data: { title: 'Project ideas', body: 'A web app', tags: ['work'] },
  });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await context.request.post('/api/v1/todos', {
    headers,
    data: { title: 'Pay the rent', due_date: yesterday },
  });
  await context.request.post('/api/v1/todos', {
    headers,
    data: { title: 'Call the plumber', done: true },
  });
  return ((await note.json()) as { id: string }).id;
}

const SIGNED_OUT: Screen[] = [
  {
    name: 'login',
    path: '/login',
    ready: (page) => page.getByRole('button', { name: 'Log in' }).waitFor(),
  },
  {
    name: 'sign-up with errors',
    path: '/signup',
    ready: async (page) => {
      await page.getByLabel('Email').fill('nope');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('[aria-invalid="true"]').first().waitFor();
      await page.locator('button[type="submit"]:not([disabled])').waitFor();
    },
  },
];

function signedInScreens(noteId: string): Screen[] {
  return [
    {
      name: 'notes',
      path: '/notes',
      ready: (page) => page.getByRole('heading', { name: 'Pinned' }).waitFor(),
    },
    {
      name: 'note editor',
      path: `/notes/${noteId}`,
      ready: (page) =>
        page
          .getByRole('status')
          .filter({ hasText: /^Saved$/ })
          .waitFor(),
    },
    { name: 'new note', path: '/notes/new', ready: (page) => page.getByLabel('Title').waitFor() },
    {
      name: 'archive',
      path: '/notes?view=archive',
      ready: (page) => page.getByText('Nothing archived.').waitFor(),
    },
    {
      name: 'to-dos',
      path: '/todos?show=all',
      ready: (page) => page.getByText('Overdue by 1 day').waitFor(),
    },
    { name: 'account', path: '/account', ready: (page) => page.getByText('This device').waitFor() },
  ];
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

interface Focused {
  text: string;
  id: string;
  /** `outline-style outline-width` of the focused element. */
  outline: string;
}

/** Runs in the page (a string: this file is type-checked for Node, not the DOM). */
const DESCRIBE_FOCUS = `(() => {
  const element = document.activeElement;
  const style = element ? getComputedStyle(element) : null;
  return {
    text: element?.textContent?.trim() ?? '',
    id: element?.id ?? '',
    outline: style ? style.outlineStyle + ' ' + style.outlineWidth : '',
  };
})()`;

const VARIANTS = [
  { label: 'desktop, light', viewport: DESKTOP, colorScheme: 'light' as const },
  { label: 'desktop, dark', viewport: DESKTOP, colorScheme: 'dark' as const },
  { label: 'phone, light', viewport: PHONE, colorScheme: 'light' as const },
  { label: 'phone, dark', viewport: PHONE, colorScheme: 'dark' as const },
];

describe('accessibility', { skip: browserSkipReason() }, () => {
  let web: WebFixture;
  const admin = newEmail('a11y-admin');
  before(async () => {
    web = await startWebFixture();
    await web.createUser(admin, PASSWORD, 'admin');
  });
  after(() => web?.close());

  for (const variant of VARIANTS) {
    test(`no serious or critical axe violations (${variant.label})`, async () => {
      const context = await web.newContext({ ...variant, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const found: string[] = [];
      for (const screen of SIGNED_OUT) {
        await page.goto(screen.path);
        await screen.ready(page);
        for (const violation of await seriousViolations(page))
          found.push(`${screen.name}: ${violation}`);
      }
      const noteId = await seed(context, newEmail('a11y'));
      for (const screen of signedInScreens(noteId)) {
        await page.goto(screen.path);
        await screen.ready(page);
        for (const violation of await seriousViolations(page))
          found.push(`${screen.name}: ${violation}`);
      }
      const adminContext = await web.newContext({ ...variant, reducedMotion: 'reduce' });
      const login = await adminContext.request.post('/api/v1/auth/login', {
        data: { email: admin, password: PASSWORD, mode: 'cookie' },
      });
      assert.equal(login.status(), 200);
      const adminPage = await adminContext.newPage();
      await adminPage.goto('/admin');
      await adminPage.getByText(admin, { exact: true }).waitFor();
      for (const violation of await seriousViolations(adminPage)) found.push(`admin: ${violation}`);
      assert.deepEqual(found, []);
      await context.close();
      await adminContext.close();
    });
  }

  test('keyboard only: skip link, add and check off a to-do, write and save a note', async () => {
    const context = await web.newContext();
    const page = await context.newPage();
    await seed(context, newEmail('keyboard'));
    await page.goto('/todos');
    await page.getByText('Pay the rent').waitFor();
    const focused = () => page.evaluate<Focused>(DESCRIBE_FOCUS);
    async function tabTo(match: (focus: Focused) => boolean): Promise<Focused> {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        const current = await focused();
        if (match(current)) return current;
      }
      throw new Error('not reachable with Tab');
    }

    const skip = await tabTo((f) => f.text === 'Skip to content');
    assert.doesNotMatch(skip.outline, /^none/, 'focus is visible');
    await page.keyboard.press('Enter');
    const title = await tabTo((f) => f.id === 'new-todo-title');
    assert.doesNotMatch(title.outline, /^none/);
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await page.getByRole('checkbox', { name: 'Typed without a mouse' }).waitFor();
    const checkboxId = await page
      .getByRole('checkbox', { name: 'Typed without a mouse' })
      .getAttribute('id');
    await tabTo((f) => f.id === checkboxId);
    await page.keyboard.press('Space');
    assert.ok(await page.getByRole('checkbox', { name: 'Typed without a mouse' }).isChecked());

    await page.goto('/notes');
    await page.getByRole('heading', { name: 'Pinned' }).waitFor();
    await tabTo((f) => f.text === 'New note');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/notes/new');
    // The title field of a new note has the focus.
    await page.waitForFunction(`document.activeElement?.id === 'note-title'`);
    await page.keyboard.type('A note from the keyboard');
    await page.keyboard.press('Control+s');
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();
    await page.waitForURL(/\/notes\/[0-9a-f-]{36}/);
    await context.close();
  });
});
