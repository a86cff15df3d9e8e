// Browser tests: the real server (`jotter serve` on a temporary DATA_DIR) driven through Debian's
// Chromium by playwright-core, which never downloads a browser. Without Chromium the suites are
// skipped with a notice, unless REQUIRE_BROWSER=1 (as in CI), which makes that a failure.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { temporaryDirectory } from './databases.ts';
import { promisify } from 'node:util';
import { JOTTER_BIN, startServerProcess, type ServerProcess } from './server.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const WEB_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist', 'index.html');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Undefined when the browser tests can run; otherwise why they are skipped. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(WEB_DIST)) {
    throw new Error('web/dist is missing: run npm run build:web before the browser tests');
  }
  if (existsSync(CHROMIUM_PATH)) return undefined;
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
  }
  const reason = `${CHROMIUM_PATH} not found: browser tests skipped (apt-get install chromium)`;
  console.warn(`# ${reason}`);
  return reason;
}

export interface WebFixture {
  server: ServerProcess;
  browser: Browser;
  /** A fresh browser profile (its own cookies and storage), like another device. */
  newContext(options?: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    /** `reduce` turns Pico's transitions off (colour checks then see the final colours). */
    reducedMotion?: 'reduce' | 'no-preference';
  }): Promise<BrowserContext>;
  /** Creates an account with the command line (`jotter users create`), e.g. an administrator. */
  createUser(email: string, password: string, role: 'user' | 'admin'): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server on a new embedded database and one Chromium for the whole test file. */
export async function startWebFixture(env: Record<string, string> = {}): Promise<WebFixture> {
  const dataDir = temporaryDirectory('jotter-e2e-');
  const server = await startServerProcess({ DATA_DIR: dataDir.path, ...env });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
    });
  } catch (error) {
    await server.stop();
    dataDir.remove();
    throw error;
  }
  return {
    server,
    browser,
    newContext: (options = {}) =>
      browser.newContext({
        baseURL: server.url,
        viewport: options.viewport ?? DESKTOP,
        colorScheme: options.colorScheme ?? 'light',
        reducedMotion: options.reducedMotion ?? 'no-preference',
        locale: 'en-GB',
        timezoneId: 'UTC',
      }),
    async createUser(email, password, role) {
      await promisify(execFile)(
        process.execPath,
        [JOTTER_BIN, 'users', 'create', '--email', email, '--password', password, '--role', role],
        { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir.path, ...env } },
      );
    },
    async close() {
      await browser.close();
      await server.stop();
      dataDir.remove();
    },
  };
}

let userCount = 0;

/** A unique address for a test user. */
export function newEmail(label = 'user'): string {
  userCount += 1;
  return `${label}-${process.pid}-${userCount}-${Date.now()}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

/** Signs up through the sign-up page and waits for the notes page. */
export async function signUp(
  page: Page,
  email: string,
  password = PASSWORD,
  name = '',
): Promise<void> {
  await page.goto('/signup');
  if (name) await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/notes');
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
