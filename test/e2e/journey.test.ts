// A new user's whole journey in the browser: sign up, write and find notes, edit them (and meet
// an edit made elsewhere without losing a word), keep to-dos, change the password, log out, log
// back in, and find everything still there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  browserSkipReason,
  logIn,
  newEmail,
  PASSWORD,
  signUp,
  startWebFixture,
  type WebFixture,
} from '../helpers/browser.ts';

const NEW_PASSWORD = 'a much longer passphrase 2';

function isoDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Calls the API with the page's cookie session, as the app does (for changes made "elsewhere"). */
async function apiCall(context: BrowserContext, method: string, path: string, data?: unknown) {
  const csrf = (await context.cookies()).find((c) => c.name === 'jotter_csrf')?.value ?? '';
  const response = await context.request.fetch(path, {
    method,
    headers: { 'x-csrf-token': csrf },
    ...(data === undefined ? {} : { data }),
  });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204
    ? undefined
    : ((await response.json()) as Record<string, unknown>);
}

async function writeNote(page: Page, title: string, tags: string, body: string): Promise<void> {
  await page.getByRole('link', { name: 'New note' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Tags').fill(tags);
  await page.getByLabel('Text', { exact: true }).fill(body);
  await page
    .getByRole('status')
    .filter({ hasText: /^Saved$/ })
    .waitFor();
  await page.waitForURL(/\/notes\/[0-9a-f-]{36}/);
}

const listItems = (page: Page) => page.locator('.note-item-title');

/** Waits (up to 10 s) for the list to show exactly these titles, in this order. */
async function expectList(page: Page, titles: string[]): Promise<void> {
  let shown: string[] = [];
  for (let i = 0; i < 100; i++) {
    shown = await listItems(page).allInnerTexts();
    if (JSON.stringify(shown) === JSON.stringify(titles)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(shown, titles);
}

describe('the journey of a new user', { skip: browserSkipReason() }, () => {
  let web: WebFixture;
  before(async () => {
    web = await startWebFixture();
  });
  after(() => web?.close());

  test('sign up, notes, to-dos, password, log out, log in: everything is still there', async () => {
    const email = newEmail('journey');
    const context = await web.newContext();
    const page = await context.newPage();
    await signUp(page, email, PASSWORD, 'Ada');
    await page.getByText('No notes yet.').waitFor();

    // Notes: create, search as you type, filter by tag.
    await writeNote(page, 'Groceries', 'home, shopping', 'Milk, eggs and bread');
    await writeNote(page, 'Project ideas', 'work', 'A web app for Jotter');
    await writeNote(page, 'Reading list', 'home', 'The Dispossessed');
    await expectList(page, ['Reading list', 'Project ideas', 'Groceries']);
    await page.getByLabel('Search notes').fill('eggs');
    await page.waitForURL('**/notes/*?q=eggs');
    await expectList(page, ['Groceries']);
    await page.getByLabel('Search notes').fill('');
    await expectList(page, ['Reading list', 'Project ideas', 'Groceries']);
    await page.getByLabel('Filter by tag').selectOption('home');
    await page.waitForURL('**tag=home');
    await expectList(page, ['Reading list', 'Groceries']);
    await page.getByLabel('Filter by tag').selectOption('');
    await expectList(page, ['Reading list', 'Project ideas', 'Groceries']);

    // Edit: autosave, and the text survives a reload.
    await page.getByRole('link', { name: /^Groceries/ }).click();
    await page.getByLabel('Text', { exact: true }).fill('Milk, eggs, bread and coffee');
    await page.getByRole('status').filter({ hasText: 'Unsaved changes' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();
    await page.reload();
    assert.equal(
      await page.getByLabel('Text', { exact: true }).inputValue(),
      'Milk, eggs, bread and coffee',
    );

    // An edit made elsewhere meanwhile: both versions are shown, nothing is lost.
    const noteId = page.url().split('/notes/')[1]!.split('?')[0]!;
    await apiCall(context, 'PATCH', `/api/v1/notes/${noteId}`, { body: 'Changed on the phone' });
    await page.getByLabel('Text', { exact: true }).fill('Milk, eggs, bread, coffee and tea');
    await page.getByRole('heading', { name: 'This note was changed somewhere else' }).waitFor();
    await page.getByText('Changed on the phone').waitFor();
    await page.getByRole('button', { name: 'Keep my version' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();
    const saved = await apiCall(context, 'GET', `/api/v1/notes/${noteId}`);
    assert.equal(saved?.body, 'Milk, eggs, bread, coffee and tea');

    // Pinned notes come first; archived ones leave the list for the archive.
    await page.getByRole('link', { name: /^Project ideas/ }).click();
    await page.getByRole('button', { name: 'Pin' }).click();
    await page.getByRole('heading', { name: 'Pinned' }).waitFor();
    await expectList(page, ['Project ideas', 'Groceries', 'Reading list']);
    await page.getByRole('link', { name: /^Reading list/ }).click();
    await page.getByRole('button', { name: 'Archive' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();
    await page.getByRole('link', { name: /^Reading list/ }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Archive', exact: true }).click();
    await page.getByRole('link', { name: /^Reading list/ }).waitFor();

    // Delete, then undo.
    await page.getByRole('link', { name: 'Notes', exact: true }).first().click();
    await page.getByRole('link', { name: /^Groceries/ }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Deleted “Groceries”').waitFor();
    await page.getByRole('link', { name: /^Groceries/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('link', { name: /^Groceries/ }).waitFor();

    // To-dos: due dates, overdue highlighted, check off, filter open/done.
    await page.getByRole('link', { name: 'To-dos' }).click();
    await page.getByText('Nothing to do.').waitFor();
    await page.getByLabel('New to-do').fill('Pay the rent');
    await page.getByLabel('Due date (optional)').fill(isoDate(-2));
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('New to-do').fill('Call the plumber');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByText('Overdue by 2 days').waitFor();
    await page.getByText('1 overdue to-do').waitFor();
    await page.getByRole('checkbox', { name: 'Call the plumber' }).check();
    await page.getByRole('link', { name: 'Done', exact: true }).click();
    // The checked to-do is on screen before and after the filter changes: wait for the open one
    // to leave, which only the new list does.
    await page.getByRole('checkbox', { name: 'Pay the rent' }).waitFor({ state: 'detached' });
    assert.ok(await page.getByRole('checkbox', { name: 'Call the plumber' }).isChecked());
    await page.getByRole('link', { name: 'Open', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Pay the rent' }).waitFor();
    await page.getByRole('checkbox', { name: 'Call the plumber' }).waitFor({ state: 'detached' });

    // Change the password, log out, log back in with it.
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');
    await logIn(page, email, PASSWORD);
    await page.getByRole('alert').getByText('do not match an account').waitFor();
    await logIn(page, email, NEW_PASSWORD);
    await page.waitForURL('**/notes');
    await expectList(page, ['Project ideas', 'Groceries']);
    await page.getByRole('link', { name: 'To-dos' }).click();
    await page.getByRole('checkbox', { name: 'Pay the rent' }).waitFor();
    await context.close();
  });

  test('a long list of notes keeps loading as it scrolls', async () => {
    const context = await web.newContext();
    const page = await context.newPage();
    await signUp(page, newEmail('scroll'));
    for (let i = 1; i <= 25; i++) {
      await apiCall(context, 'POST', '/api/v1/notes', {
        title: `Note ${String(i).padStart(2, '0')}`,
      });
    }
    await page.reload();
    await listItems(page).first().waitFor();
    assert.equal(await listItems(page).count(), 20);
    await page.getByRole('button', { name: 'More notes' }).scrollIntoViewIfNeeded();
    await page.getByText('Note 01', { exact: true }).waitFor();
    assert.equal(await listItems(page).count(), 25);
    await context.close();
  });

  test('offline, a note keeps its text and saves itself when the network is back', async () => {
    const context = await web.newContext();
    const page = await context.newPage();
    await signUp(page, newEmail('offline'));
    await writeNote(page, 'Train notes', '', 'Written on the train');
    await context.setOffline(true);
    await page.getByLabel('Text', { exact: true }).fill('Written on the train, in a tunnel');
    await page.getByRole('status').filter({ hasText: 'Not saved yet, retrying…' }).waitFor();
    await page.getByRole('alert').getByText('Jotter could not be reached').waitFor();
    await context.setOffline(false);
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();
    await page.reload();
    assert.equal(
      await page.getByLabel('Text', { exact: true }).inputValue(),
      'Written on the train, in a tunnel',
    );
    await context.close();
  });
});
