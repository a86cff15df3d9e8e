// Starts `jotter serve` as a child process, the way a user would, and finds the URL it logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { once } from 'node:events';

export const JOTTER_BIN = join(import.meta.dirname, '..', '..', 'bin', 'jotter.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Keeps the last `limit` characters of a long-running child's output. */
function tail(limit: number): { add(chunk: Buffer): void; text(): string } {
  let text = '';
  return {
    add(chunk) {
      text += chunk.toString();
      if (text.length > 2 * limit) text = text.slice(-limit);
    },
    text: () => text,
  };
}

export async function startServerProcess(
  env: Record<string, string>,
  args = ['serve'],
  nodeOptions: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeOptions, JOTTER_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Long runs (soak, crash) log a lot: only the recent output is kept.
  const kept = tail(1_000_000);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    kept.add(chunk);
    if (output.length < 100_000) output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    kept.add(chunk);
    if (output.length < 100_000) output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never says it listens must not outlive the test.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, 20_000);
    const check = (): void => {
      const match = /Jotter listening on (http:\/\/[^"\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => kept.text(),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
