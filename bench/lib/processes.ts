// Servers under test run as child processes, pinned to the server core when pinning is on: Jotter
// itself (`jotter serve`, exactly as a user starts it) and the two bare-Fastify ceilings. Start-up
// is timed from the spawn to the first 200 from the readiness path.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pinnedCommand } from './system.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const JOTTER_BIN = join(REPO_ROOT, 'bin', 'jotter.js');

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface RunningServer {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  /** Milliseconds from the spawn to the first 200 from the readiness path. */
  startMs: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  /** Node arguments after the executable: flags, then the script and its arguments. */
  args: string[];
  env: Record<string, string>;
  core: number | undefined;
  readyPath: string;
  logDir: string;
}

/** A port that is free now (the server is told to listen on it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function waitReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode} before it was ready; see ${logFile}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(5);
  }
  throw new Error(`server not ready within ${START_TIMEOUT_MS} ms; see ${logFile}`);
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const port = await freePort();
  const logFile = join(spec.logDir, `${spec.name}-${port}.log`);
  const log = openSync(logFile, 'a');
  const [command, ...argv] = pinnedCommand([process.execPath, ...spec.args], spec.core);
  const started = performance.now();
  const child = spawn(command!, argv, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...spec.env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url + spec.readyPath, child, logFile);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const startMs = performance.now() - started;
  return {
    name: spec.name,
    child,
    pid: child.pid!,
    url,
    startMs,
    logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `jotter serve` with the given environment. */
export function jotterSpec(options: {
  env: Record<string, string>;
  core: number | undefined;
  logDir: string;
  nodeFlags?: string[];
  name?: string;
}): ServerSpec {
  return {
    name: options.name ?? 'jotter',
    args: [...(options.nodeFlags ?? []), JOTTER_BIN, 'serve'],
    env: options.env,
    core: options.core,
    readyPath: '/readyz',
    logDir: options.logDir,
  };
}

/** A script of bench/ run as a server (the ceilings answer their readiness path with 200). */
export function scriptSpec(options: {
  name: string;
  script: string;
  env: Record<string, string>;
  core: number | undefined;
  logDir: string;
  nodeFlags?: string[];
}): ServerSpec {
  return {
    name: options.name,
    args: [...(options.nodeFlags ?? []), join(REPO_ROOT, 'bench', options.script)],
    env: options.env,
    core: options.core,
    readyPath: '/readyz',
    logDir: options.logDir,
  };
}
