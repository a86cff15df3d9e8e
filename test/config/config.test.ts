import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../../src/config.ts';
import { temporaryDirectory } from '../helpers/databases.ts';

const JOTTER = join(import.meta.dirname, '..', '..', 'bin', 'jotter.js');

describe('configuration', () => {
  test('defaults follow API.md', () => {
    const config = parseConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.isHttps, false);
    assert.equal(config.accessTokenTtl, 900);
    assert.equal(config.refreshTokenTtl, 2_592_000);
    assert.equal(config.refreshReuseGrace, 10);
    assert.equal(config.loginMaxFailures, 5);
    assert.equal(config.loginWindow, 900);
    assert.equal(config.registerMaxPerHour, 20);
    assert.equal(config.refreshMaxPerMinute, 120);
    assert.equal(config.trustProxy, false);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.eventRetentionDays, 90);
    assert.equal(parseConfig({ EVENT_RETENTION_DAYS: '7' }).eventRetentionDays, 7);
    assert.equal(config.workers, 1);
    assert.ok(parseConfig({ WORKERS: 'auto' }).workers >= 1);
  });

  test('values are parsed and typed', () => {
    const config = parseConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://notes.example.com/',
      TRUST_PROXY: '2',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      DATABASE_URL: 'postgres://u@db/jotter',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'warn',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'https://notes.example.com');
    assert.equal(config.isHttps, true);
    assert.equal(config.trustProxy, 2);
    assert.deepEqual(config.corsOrigins, ['https://a.example.com', 'https://b.example.com']);
    assert.equal(config.databaseUrl, 'postgres://u@db/jotter');
    assert.equal(config.logLevel, 'warn');
  });

  const bad: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'nonsense'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['ACCESS_TOKEN_TTL', '-1'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['ACCESS_TOKEN_TTL', '1.5'],
    ['REFRESH_TOKEN_TTL', 'forever'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['TRUST_PROXY', 'true'],
    ['CORS_ORIGINS', 'not an origin'],
    ['CORS_ORIGINS', 'https://a.example.com/path'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['REDIS_URL', 'http://localhost'],
    ['LOG_LEVEL', 'loud'],
    ['KEY_ENCRYPTION_SECRET', 'short'],
    ['METRICS_TOKEN', 'short'],
    ['EVENT_RETENTION_DAYS', '0'],
    ['EVENT_RETENTION_DAYS', '30d'],
    ['EVENT_RETENTION_DAYS', '100000'],
    ['WORKERS', '0'],
    ['WORKERS', 'many'],
  ];
  for (const [name, value] of bad) {
    test(`${name}=${value} is refused, naming the variable`, () => {
      assert.throws(
        () => parseConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${name}:`),
      );
    });
  }

  test('.env is read, and the environment wins over it', () => {
    const dir = temporaryDirectory();
    try {
      const file = join(dir.path, '.env');
      writeFileSync(file, 'PORT=4100\nLOG_LEVEL=debug\n# comment\nACCESS_TOKEN_TTL="60"\n');
      const config = loadConfig({ LOG_LEVEL: 'error' }, file);
      assert.equal(config.port, 4100);
      assert.equal(config.accessTokenTtl, 60);
      assert.equal(config.logLevel, 'error');
    } finally {
      dir.remove();
    }
  });

  test('the command line prints one clear line and exits with 2 on bad configuration', () => {
    const dir = temporaryDirectory();
    try {
      const result = spawnSync(process.execPath, [JOTTER, 'serve'], {
        cwd: dir.path,
        env: { PATH: process.env.PATH, PORT: 'abc', DATA_DIR: dir.path },
        encoding: 'utf8',
      });
      assert.equal(result.status, 2);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, /^jotter: PORT: /);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
    } finally {
      dir.remove();
    }
  });
});
