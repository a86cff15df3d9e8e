// Signing up, logging in and leaving, in the browser: the server's problem details appear next
// to the fields they are about (bad address, weak password, address taken), throttling shows the
// wait, and deleting the account takes the password and really deletes it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  browserSkipReason,
  logIn,
  newEmail,
  PASSWORD,
  signUp,
  startWebFixture,
  type WebFixture,
} from '../helpers/browser.ts';

/** Waits for a field to be marked invalid; the text of the message tied to it. */
async function describedBy(page: Page, label: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  await field.and(page.locator('[aria-invalid="true"]')).waitFor();
  const ids = (await field.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(
    ids.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()),
  );
  return texts.join(' ');
}

describe('accounts in the browser', { skip: browserSkipReason() }, () => {
  let web: WebFixture;
  before(async () => {
    web = await startWebFixture({ LOGIN_MAX_FAILURES: '2', LOGIN_WINDOW: '600' });
  });
  after(() => web?.close());

  test('sign-up errors from the server appear next to their fields', async () => {
    const context = await web.newContext();
    const page = await context.newPage();
    await page.goto('/signup');
    await page.getByLabel('Email').fill('not-an-address');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await describedBy(page, 'Email'), /email address/);

    await page.getByLabel('Email').fill(newEmail('weak'));
    await page.getByLabel('Password', { exact: true }).fill('password');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await describedBy(page, 'Password'), /stronger password/);
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), null);

    const taken = newEmail('taken');
    const other = await web.newContext();
    await signUp(await other.newPage(), taken);
    await page.getByLabel('Email').fill(taken);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await describedBy(page, 'Email'), /already exists/);
    await page.getByRole('link', { name: 'Log in with this address instead' }).click();
    await page.waitForURL('**/login');
    await context.close();
    await other.close();
  });

  test('wrong passwords are explained, then throttled with the wait shown', async () => {
    const email = newEmail('throttle');
    const owner = await web.newContext();
    await signUp(await owner.newPage(), email);
    const context = await web.newContext();
    const page = await context.newPage();
    await page.goto('/login');
    for (let attempt = 0; attempt < 2; attempt++) {
      await logIn(page, email, 'not my password');
      await page.getByRole('alert').getByText('do not match an account').waitFor();
    }
    await logIn(page, email, PASSWORD);
    await page.getByText(/Too many attempts\. Try again in 10 minutes\./).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Log in' }).isDisabled());
    await context.close();
    await owner.close();
  });

  test('deleting the account takes the password and removes it', async () => {
    const email = newEmail('delete');
    const context = await web.newContext();
    const page = await context.newPage();
    await signUp(page, email);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByText('Delete my account and everything in it').click();
    await page.getByLabel('Your password, to confirm').fill('wrong password');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    assert.match(await describedBy(page, 'Your password, to confirm'), /password is not right/);

    await page.getByLabel('Your password, to confirm').fill(PASSWORD);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL('**/signup');
    await page.getByText('Your account and everything in it were deleted.').waitFor();
    await page.goto('/login');
    await logIn(page, email);
    await page.getByRole('alert').getByText('do not match an account').waitFor();
    await context.close();
  });

  test('an administrator finds, disables, enables and deletes accounts', async () => {
    const admin = newEmail('admin');
    await web.createUser(admin, PASSWORD, 'admin');
    const alice = newEmail('alice');
    const bob = newEmail('bob');
    const aliceContext = await web.newContext();
    const alicePage = await aliceContext.newPage();
    await signUp(alicePage, alice);
    const bobContext = await web.newContext();
    await signUp(await bobContext.newPage(), bob);

    const context = await web.newContext();
    const page = await context.newPage();
    await page.goto('/login');
    await logIn(page, admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByText(alice).waitFor();
    await page.getByLabel('Search accounts by email or name').fill('alice-');
    await page.waitForURL('**/admin?q=alice-');
    await page.getByText(bob).waitFor({ state: 'detached' });

    // Disabling ends Alice's sessions at once and keeps her out.
    await page.getByRole('button', { name: `Disable ${alice}` }).click();
    await page.getByText(`Disabled ${alice}; their sessions ended`).waitFor();
    await alicePage.getByRole('link', { name: 'To-dos' }).click();
    await alicePage.waitForURL('**/login?next=%2Ftodos');
    await logIn(alicePage, alice);
    await alicePage.getByText('This account has been disabled').waitFor();
    await page.getByRole('button', { name: `Enable ${alice}` }).click();
    await page.getByText(`Enabled ${alice}`).waitFor();
    await logIn(alicePage, alice);
    await alicePage.waitForURL('**/todos');

    // Deleting asks first; the last administrator cannot lock everyone out.
    await page.getByLabel('Search accounts by email or name').fill('');
    await page.getByRole('button', { name: `Delete ${bob}` }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByText(`Deleted ${bob} and everything in the account`).waitFor();
    await page.getByText(bob, { exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Disable ${admin}` }).click();
    await page.getByRole('alert').getByText('at least one enabled administrator').waitFor();

    // Everyone else is refused the admin page.
    await alicePage.goto('/admin');
    await alicePage.getByRole('heading', { name: 'Nothing here' }).waitFor();
    assert.equal(await alicePage.getByRole('link', { name: 'Admin' }).count(), 0);
    await Promise.all([context.close(), aliceContext.close(), bobContext.close()]);
  });
});
