// Configuration: every variable of API.md's configuration table, read once from the environment
// and a `.env` file, validated, and handed down as one typed object. Nothing else in the program
// reads `process.env`. A bad value stops start-up with one line that names the variable.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** The token issuer; cookies are `Secure` and HSTS is sent when it is https. */
  publicUrl: string;
  isHttps: boolean;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshReuseGrace: number;
  loginMaxFailures: number;
  loginWindow: number;
  registerMaxPerHour: number;
  refreshMaxPerMinute: number;
  /** `false`, or how many proxy hops in front of the server append to `X-Forwarded-For`. */
  trustProxy: false | number;
  corsOrigins: string[];
  redisUrl: string | undefined;
  keyEncryptionSecret: string | undefined;
  metricsToken: string | undefined;
  /** Security events older than this many days are deleted. */
  eventRetentionDays: number;
  logLevel: LogLevel;
  /** Server processes on this machine (node:cluster); 1 runs the server in this process. */
  workers: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

function fail(name: string, problem: string): never {
  throw new ConfigError(`${name}: ${problem}`);
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) fail(name, `must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) fail(name, `must be between ${min} and ${max}, got ${raw}`);
  return value;
}

function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(name, `must be a URL (${protocols.join(' or ')}), got ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(url.protocol)) {
    fail(name, `must start with ${protocols.join(' or ')}, got ${JSON.stringify(url.protocol)}`);
  }
  return raw;
}

function readSecret(env: Env, name: string, minLength: number): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < minLength) fail(name, `must be at least ${minLength} characters long`);
  return raw;
}

function readTrustProxy(env: Env): false | number {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (!/^\d+$/.test(raw) || Number(raw) > 32) {
    fail(
      'TRUST_PROXY',
      `must be false or a number of proxy hops (0..32), got ${JSON.stringify(raw)}`,
    );
  }
  const hops = Number(raw);
  return hops === 0 ? false : hops;
}

function readWorkers(env: Env): number {
  const raw = env.WORKERS;
  if (raw === undefined || raw === '') return 1;
  if (raw === 'auto') return availableParallelism();
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 64) {
    fail('WORKERS', `must be auto or a number of processes (1..64), got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function readOrigins(env: Env): string[] {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      fail(
        'CORS_ORIGINS',
        `${JSON.stringify(origin)} is not an origin like https://app.example.com`,
      );
    }
    if (url.origin !== origin) {
      fail('CORS_ORIGINS', `${JSON.stringify(origin)} must be a bare origin (${url.origin})`);
    }
    return origin;
  });
}

/** Builds the configuration from a set of variables (the environment merged over `.env`). */
export function parseConfig(env: Env): Config {
  const port = readInteger(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (
    readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  ).replace(/\/+$/, '');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  return {
    port,
    host,
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    publicUrl,
    isHttps: publicUrl.startsWith('https://'),
    accessTokenTtl: readInteger(env, 'ACCESS_TOKEN_TTL', 900, 1, 86_400),
    refreshTokenTtl: readInteger(env, 'REFRESH_TOKEN_TTL', 2_592_000, 1, 31_536_000),
    refreshReuseGrace: readInteger(env, 'REFRESH_REUSE_GRACE', 10, 0, 300),
    loginMaxFailures: readInteger(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindow: readInteger(env, 'LOGIN_WINDOW', 900, 1, 86_400),
    registerMaxPerHour: readInteger(env, 'REGISTER_MAX_PER_HOUR', 20, 1, 1_000_000),
    refreshMaxPerMinute: readInteger(env, 'REFRESH_MAX_PER_MINUTE', 120, 1, 1_000_000),
    trustProxy: readTrustProxy(env),
    corsOrigins: readOrigins(env),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    keyEncryptionSecret: readSecret(env, 'KEY_ENCRYPTION_SECRET', 16),
    metricsToken: readSecret(env, 'METRICS_TOKEN', 16),
    eventRetentionDays: readInteger(env, 'EVENT_RETENTION_DAYS', 90, 1, 36_500),
    logLevel,
    workers: readWorkers(env),
  };
}

/** Reads `.env` in the working directory (if any); variables already set in the environment win. */
export function loadConfig(env: Env = process.env, envFile = resolve('.env')): Config {
  let fromFile: Env = {};
  if (existsSync(envFile)) {
    try {
      fromFile = parseEnv(readFileSync(envFile, 'utf8'));
    } catch (error) {
      throw new ConfigError(`.env: cannot be read (${(error as Error).message})`);
    }
  }
  return parseConfig({ ...fromFile, ...env });
}
