// The deployment files, checked as far as a machine without a Docker engine allows: their shape,
// that no secret is written in them, that the compose settings are a configuration Jotter accepts,
// and that the production dependencies are all the code imports.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (name: string): string => readFileSync(join(ROOT, name), 'utf8');

interface Compose {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      environment?: Record<string, string>;
      healthcheck?: { test: string[] };
      ports?: string[];
      depends_on?: Record<string, { condition: string }>;
    }
  >;
}

/** `.env` syntax as compose reads it: NAME=value lines, # comments. */
function readEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** Compose's interpolation: ${X}, ${X:-default}, ${X:?error}. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g,
    (_m, name: string, op, arg: string) => {
      const current = env[name];
      if (current !== undefined && current !== '') return current;
      if (op === '?') throw new Error(`${name}: ${arg}`);
      return op === '-' ? arg : '';
    },
  );
}

describe('deployment files', () => {
  const compose = parse(read('docker-compose.yml')) as Compose;
  const example = readEnvFile(read('.env.example'));

  test('compose runs Jotter on PostgreSQL 17 and Redis, after both are healthy', () => {
    const { jotter, postgres, redis } = compose.services;
    assert.equal(jotter?.build, '.');
    assert.equal(postgres?.image, 'postgres:17');
    assert.match(String(redis?.image), /^redis:/);
    assert.ok(postgres?.healthcheck && redis?.healthcheck);
    assert.deepEqual(jotter?.depends_on, {
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    // Only the reverse proxy on the host reaches Jotter; the database and Redis publish nothing.
    assert.ok(jotter?.ports?.every((port) => port.startsWith('127.0.0.1:')));
    assert.equal(postgres?.ports, undefined);
    assert.equal(redis?.ports, undefined);
  });

  test('every secret comes from .env, and .env.example names every variable used', () => {
    const text = read('docker-compose.yml');
    const used = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    for (const name of used) assert.ok(name in example, `${name} is in .env.example`);
    const secretish = /PASSWORD|SECRET|TOKEN|DATABASE_URL|REDIS_URL/;
    for (const service of Object.values(compose.services)) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (secretish.test(name)) assert.match(String(value), /\$\{/, `${name} comes from .env`);
      }
    }
    // The example holds placeholders, never a usable secret.
    for (const [name, value] of Object.entries(example)) {
      if (/PASSWORD|SECRET/.test(name)) assert.match(value, /^change-me/, name);
    }
    const ignored = read('.dockerignore').split('\n');
    assert.ok(ignored.includes('.env') && ignored.includes('!.env.example'));
    assert.ok(read('.gitignore').split('\n').includes('.env'));
  });

  test("compose's settings, filled from .env.example, are a configuration Jotter accepts", () => {
    const environment = compose.services.jotter!.environment!;
    const env = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [
        name,
        interpolate(String(value), example),
      ]),
    );
    const config = parseConfig(env);
    assert.equal(
      config.databaseUrl,
      'postgres://jotter:change-me-postgres-password@postgres:5432/jotter',
    );
    assert.equal(config.redisUrl, 'redis://:change-me-redis-password@redis:6379');
    assert.equal(config.trustProxy, 1);
    assert.equal(config.isHttps, true);
    // Without a .env the required secrets stop compose with a message.
    assert.throws(() => interpolate(environment.DATABASE_URL!, {}), /POSTGRES_PASSWORD/);
  });

  test('the Dockerfile: node:24-slim stages, production dependencies, non-root, health check', () => {
    const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
    const lines = dockerfile
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const froms = lines.filter((line) => line.startsWith('FROM '));
    assert.ok(froms.length >= 2);
    for (const from of froms) assert.match(from, /^FROM node:24-slim\b/);
    const final = lines.slice(lines.lastIndexOf(froms.at(-1)!));
    assert.ok(final.some((line) => line === 'USER node'));
    assert.ok(final.some((line) => /^HEALTHCHECK .*CMD .*\/readyz/.test(line)));
    assert.ok(final.includes('CMD ["node", "bin/jotter.js", "serve"]'));
    // The runtime's node_modules come from the stage that installed production dependencies only.
    const copy = final.find((line) => line.includes('node_modules'));
    const stage = /--from=(\S+)/.exec(copy ?? '')?.[1];
    const installs = lines.find((line) => line.startsWith(`FROM node:24-slim AS ${stage}`));
    assert.ok(installs, 'node_modules come from a named stage');
    const stageLines = lines.slice(lines.indexOf(installs) + 1);
    const install = stageLines.find((line) => line.startsWith('RUN npm ci'));
    assert.match(install ?? '', /--omit=dev/);
  });

  test('the production dependencies are everything the server imports', () => {
    const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|js)$/.test(entry.name)) files.push(path);
      }
    };
    walk('src');
    walk('bin');
    const missing = new Set<string>();
    for (const file of files) {
      for (const match of read(file).matchAll(
        /^\s*(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'/gm,
      )) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        if (/^import\s+type\b/.test(match[0].trim())) continue;
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        if (!(name in manifest.dependencies)) missing.add(`${name} (${file})`);
      }
    }
    assert.deepEqual([...missing], []);
  });
});
