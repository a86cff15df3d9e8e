// buildTestApp(t, engine): the real application on a fresh, migrated database of the given
// engine, closed and dropped when the test ends.
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { buildApp, type App, type ServerTimeouts } from '../../src/app.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestEngine } from './databases.ts';

export interface TestApp {
  app: App;
  db: Db;
  config: Config;
  /** The namespace of this app's throttle counters (a peer app shares them by using it too). */
  throttleKeyPrefix?: string;
}

export interface TestAppOptions {
  /** Extra configuration variables (ACCESS_TOKEN_TTL=2, LOGIN_MAX_FAILURES=3, …). */
  env?: Record<string, string>;
  /** Called before the app is ready, to add routes a test needs. */
  beforeReady?: (app: App) => void | Promise<void>;
  /** The built web app to serve (a fixture directory); defaults to web/dist. */
  webRoot?: string;
  /** Server timeouts (tests of slow clients shorten them). */
  timeouts?: ServerTimeouts;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ LOG_LEVEL: 'silent', PORT: '0', ...env });
}

export async function buildTestApp(
  t: TestContext,
  engine: TestEngine,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase(engine);
  const config = testConfig({ ...database.env, ...options.env });
  const db = openDatabase(config);
  await migrateToLatest(db);
  const throttleKeyPrefix = `test-${randomBytes(6).toString('hex')}`;
  const app = await buildApp(config, {
    db,
    logger: false,
    throttleKeyPrefix,
    webRoot: options.webRoot,
    timeouts: options.timeouts,
  });
  await options.beforeReady?.(app);
  await app.ready();
  t.after(async () => {
    await app.close();
    await db.close();
    await database.drop();
  });
  return { app, db, config, throttleKeyPrefix };
}

/** Builds a second instance on the same database (for cross-instance tests). */
export async function buildPeerApp(
  t: TestContext,
  config: Config,
  throttleKeyPrefix?: string,
): Promise<TestApp> {
  const db = openDatabase(config);
  const app = await buildApp(config, { db, logger: false, throttleKeyPrefix });
  await app.ready();
  t.after(async () => {
    await app.close();
    await db.close();
  });
  return { app, db, config };
}
