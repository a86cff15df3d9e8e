// A PostgreSQL server of the test's own, in a temporary directory on a free port, that the test
// may stop and start at will (the shared server on 5432 is never touched). Made with the Debian
// binaries (`initdb`, `pg_ctl`); as root they run as the `postgres` user, since PostgreSQL refuses
// to run as root.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DedicatedPostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** `fast` ends sessions politely; `immediate` is a crash (recovery on the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server if running and deletes its directory. */
  remove(): Promise<void>;
}

function binDirectory(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/**
 * Why a dedicated server cannot be made here (the suite is then skipped), or undefined when it
 * can. With REQUIRE_POSTGRES=1 (CI) nothing is skipped: a missing server fails the suite.
 */
export function dedicatedPostgresUnavailable(): string | undefined {
  if (binDirectory() || process.env.REQUIRE_POSTGRES === '1') return undefined;
  return 'no PostgreSQL binaries under /usr/lib/postgresql';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const bin = binDirectory();
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const isRoot = userInfo().uid === 0;
  const directory = mkdtempSync(join(tmpdir(), 'jotter-pg-'));
  if (isRoot) chownSync(directory, Number((await run('id', ['-u', 'postgres'])).stdout), -1);
  const dataDir = join(directory, 'data');
  const port = await freePort();
  const asOwner = (program: string, args: string[]) =>
    isRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args])
      : run(join(bin, program), args);

  await asOwner('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const serverOptions = [
    `-p ${port}`,
    `-k ${directory}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=40',
    '-c shared_buffers=16MB',
  ].join(' ');
  let running = false;
  const server: DedicatedPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await asOwner('pg_ctl', [
        'start',
        '-w',
        '-t',
        '60',
        '-D',
        dataDir,
        '-l',
        join(directory, 'server.log'),
        '-o',
        serverOptions,
      ]);
      running = true;
    },
    async stop(mode = 'fast') {
      await asOwner('pg_ctl', ['stop', '-w', '-t', '60', '-D', dataDir, '-m', mode]);
      running = false;
    },
    async remove() {
      if (running) await server.stop('immediate').catch(() => {});
      rmSync(directory, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return server;
}
