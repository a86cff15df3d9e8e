// Load generation with autocannon, in this process (pinned to the load core). A workload is a list
// of prebuilt requests that each connection cycles through (rotating users without rebuilding a
// request per call, which keeps the load generator cheap); it runs a discarded warm-up, then a few
// rounds, and reports the median of each figure. While a round runs, the CPU time of the server,
// of its PostgreSQL backends, of this process and of the whole machine is read, so a round that
// other work on the machine disturbed, or that the load generator itself limited, says so.
import autocannon from 'autocannon';
import { coreBusySeconds, cpuSeconds, rssMb } from './system.ts';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadStream {
  url: string;
  connections: number;
  requests: LoadRequest[];
}

export interface Watched {
  /** The server process (or processes) whose CPU and memory are the server's. */
  serverPids: () => number[];
  /** PostgreSQL backends serving the server, when on PostgreSQL. */
  dbPids: () => Promise<number[]>;
}

export interface StreamFigures {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, connection errors and time-outs: any of them invalidates the row. */
  errors: number;
}

export interface RoundFigures {
  streams: StreamFigures[];
  seconds: number;
  /** CPU used, in % of one core. */
  serverCpu: number;
  dbCpu: number;
  loadCpu: number;
  /** CPU used by everything else on the machine meanwhile, in % of one core. */
  otherCpu: number;
  serverRssMb: number;
}

/** A round is disturbed when other work used more than this share of a core meanwhile. */
export const DISTURBED_OTHER_CPU = 20;
/** The load generator is the limit when it used nearly all of its core. */
export const LOAD_BOUND_CPU = 95;

function toAutocannon(stream: LoadStream, seconds: number): autocannon.Options {
  return {
    url: stream.url,
    connections: stream.connections,
    duration: seconds,
    timeout: 10,
    requests: stream.requests.map((request) => ({
      method: request.method,
      path: request.path,
      headers: {
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: request.body }),
    })),
  };
}

function figuresOf(result: autocannon.Result): StreamFigures {
  const answered = result.requests.total;
  return {
    requests: answered,
    rps: answered / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

async function sumCpu(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) total += cpuSeconds(pid);
  return total;
}

/** Runs the streams together for `seconds`, watching the processes. */
export async function runRound(
  streams: LoadStream[],
  seconds: number,
  watched: Watched,
): Promise<RoundFigures> {
  const dbPids = await watched.dbPids();
  const serverPids = watched.serverPids();
  const before = {
    server: await sumCpu(serverPids),
    db: await sumCpu(dbPids),
    load: process.cpuUsage(),
    busy: coreBusySeconds(),
    at: performance.now(),
  };
  const results = await Promise.all(
    streams.map((stream) => autocannon(toAutocannon(stream, seconds))),
  );
  const elapsed = (performance.now() - before.at) / 1000;
  const server = (await sumCpu(serverPids)) - before.server;
  const db = (await sumCpu(dbPids)) - before.db;
  const loadUsage = process.cpuUsage(before.load);
  const load = (loadUsage.user + loadUsage.system) / 1e6;
  const busyAfter = coreBusySeconds();
  const busy = busyAfter.reduce((sum, value, core) => sum + value - (before.busy[core] ?? 0), 0);
  const percent = (cpu: number): number => (100 * cpu) / elapsed;
  return {
    streams: results.map(figuresOf),
    seconds: elapsed,
    serverCpu: percent(server),
    dbCpu: percent(db),
    loadCpu: percent(load),
    otherCpu: Math.max(0, percent(busy - server - db - load)),
    serverRssMb: serverPids.reduce((sum, pid) => sum + rssMb(pid), 0),
  };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RunOptions {
  warmupSeconds: number;
  rounds: number;
  seconds: number;
}

/** Warm-up (discarded), then `rounds` rounds. */
export async function runRounds(
  streams: LoadStream[],
  options: RunOptions,
  watched: Watched,
): Promise<RoundFigures[]> {
  if (options.warmupSeconds > 0) await runRound(streams, options.warmupSeconds, watched);
  const rounds: RoundFigures[] = [];
  for (let i = 0; i < options.rounds; i++)
    rounds.push(await runRound(streams, options.seconds, watched));
  return rounds;
}

/** One request many times over `connections`, until `amount` answers (seeding in bulk). */
export async function runAmount(
  stream: LoadStream,
  amount: number,
): Promise<{ requests: number; errors: number; seconds: number }> {
  const options = toAutocannon(stream, 0);
  delete options.duration;
  const result = await autocannon({ ...options, amount });
  return {
    requests: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
  };
}
