// The image's start command and health check, run outside Docker with exactly the environment
// the Dockerfile sets (no NODE_ENV, nothing else), from the checkout's files.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { temporaryDirectory } from '../helpers/databases.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function dockerfileInstructions(): {
  env: Record<string, string>;
  cmd: string[];
  health: string[];
} {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const [, body] of finalStage.matchAll(/^ENV (.+)$/gm)) {
    for (const [, name, value] of body!.matchAll(/([A-Z_]+)=(\S+)/g)) env[name!] = value!;
  }
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(finalStage)![1]!) as string[];
  const health = JSON.parse(/^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(finalStage)![1]!) as string[];
  return { env, cmd, health };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe("the image's start command", () => {
  test('serves with the Dockerfile environment, and the health check follows readiness', async (t) => {
    const { env, cmd, health } = dockerfileInstructions();
    assert.deepEqual(cmd.slice(0, 1), ['node']);
    assert.equal(env.NODE_ENV, undefined);
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const runtime = {
      PATH: process.env.PATH ?? '',
      ...env,
      // The volume and the port are the only things that differ outside the container.
      DATA_DIR: join(dir.path, 'data'),
      PORT: String(await freePort()),
    };
    const server = spawn(process.execPath, cmd.slice(1), {
      cwd: ROOT,
      env: runtime,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => server.kill('SIGKILL'));
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', () => {
        if (output.includes('Jotter listening on')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    assert.equal(env.HOST, '0.0.0.0');
    assert.match(output, new RegExp(`Jotter listening on http://[^"]+:${runtime.PORT}`));

    const check = () =>
      spawnSync(process.execPath, health.slice(1), {
        env: runtime,
        encoding: 'utf8',
        timeout: 20_000,
      }).status;
    assert.equal(check(), 0);
    server.kill('SIGTERM');
    const [code] = (await once(server, 'exit')) as [number];
    assert.equal(code, 0, output);
    assert.equal(check(), 1);
  });
});
