// PostgreSQL for the benchmark: a schema of its own in the database DATABASE_URL names (dropped at
// the end, so the bench needs no right to create databases), connection strings that name the
// application (to find the backend processes serving each server), and pinning of those backends
// to the server's core: one core then carries the whole request, as the targets assume.
import pg from 'pg';
import { pinProcess } from './system.ts';

export interface BenchPostgres {
  schema: string;
  /** The URL a server of the given application name connects with (in the bench's schema). */
  urlFor(applicationName: string): string;
  /** Process ids of the backends serving that application now. */
  backendPids(applicationName: string): Promise<number[]>;
  /** Pins those backends to a core (no-op without a core); returns how many were pinned. */
  pinBackends(applicationName: string, core: number | undefined): Promise<number>;
  version(): Promise<string>;
  drop(): Promise<void>;
}

export async function openBenchPostgres(
  databaseUrl: string,
  runId: string,
): Promise<BenchPostgres> {
  const schema = `jotter_bench_${runId}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  // Only backends on the same host can be pinned; a remote server is measured unpinned.
  const isLocal = ['127.0.0.1', 'localhost', '::1', ''].includes(new URL(databaseUrl).hostname);

  async function backendPids(applicationName: string): Promise<number[]> {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return rows.map((row) => row.pid);
  }

  return {
    schema,
    urlFor(applicationName) {
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      url.searchParams.set('application_name', applicationName);
      return url.toString();
    },
    backendPids: async (name) => (isLocal ? backendPids(name) : []),
    async pinBackends(applicationName, core) {
      if (core === undefined || !isLocal) return 0;
      const pids = await backendPids(applicationName);
      for (const pid of pids) {
        try {
          pinProcess(pid, core);
        } catch {
          // The backend ended meanwhile.
        }
      }
      return pids.length;
    },
    async version() {
      const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
      return rows[0]?.server_version ?? 'unknown';
    },
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}
