// Command-line options of `npm run bench` (see bench/README.md).
import { parseArgs } from 'node:util';

export interface BenchOptions {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  users: number;
  notesPerUser: number;
  bigNotes: number;
  engines: ('sqlite' | 'postgres')[];
  only: Set<string> | undefined;
  out: string | undefined;
  profileDir: string | undefined;
  /** Extra Node flags for the Jotter server (e.g. --max-semi-space-size=4), for experiments. */
  nodeFlags: string[];
  pin: boolean;
  logLevel: string;
  workers: string;
  smoke: boolean;
  databaseUrl: string | undefined;
}

export const WORKLOADS = ['login', 'read', 'write', 'mixed', 'storm', 'big', 'ceilings'] as const;

function positive(name: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be ≥ ${min}`);
  return value;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      users: { type: 'string' },
      notes: { type: 'string' },
      'big-notes': { type: 'string' },
      engines: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      'node-flags': { type: 'string', default: '' },
      'no-pin': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'warn' },
      workers: { type: 'string', default: '1' },
      smoke: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run bench -- [--rounds 3] [--seconds 5] [--warmup 2] [--users 100] [--notes 20]\n' +
        '  [--big-notes 100000] [--engines sqlite,postgres] [--only read,write,...]\n' +
        '  [--out file.json] [--profile dir] [--node-flags="..."] [--no-pin] [--log-level warn] [--workers 1] [--smoke]\n' +
        'PostgreSQL runs when DATABASE_URL is set. See bench/README.md.',
    );
    process.exit(0);
  }
  const smoke = values.smoke;
  const databaseUrl = env.DATABASE_URL || undefined;
  const engines = (values.engines ?? (databaseUrl ? 'sqlite,postgres' : 'sqlite')).split(',');
  for (const engine of engines) {
    if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
    if (engine === 'postgres' && !databaseUrl) throw new Error('postgres needs DATABASE_URL');
  }
  const only = values.only?.split(',');
  for (const name of only ?? []) {
    if (!(WORKLOADS as readonly string[]).includes(name))
      throw new Error(`unknown workload ${name}; one of ${WORKLOADS.join(', ')}`);
  }
  return {
    rounds: positive('rounds', values.rounds ?? (smoke ? '1' : '3')),
    seconds: positive('seconds', values.seconds ?? (smoke ? '2' : '5')),
    warmupSeconds: positive('warmup', values.warmup ?? (smoke ? '0' : '2'), 0),
    users: positive('users', values.users ?? (smoke ? '4' : '100')),
    notesPerUser: positive('notes', values.notes ?? '20', 0),
    bigNotes: positive('big-notes', values['big-notes'] ?? (smoke ? '300' : '100000'), 30),
    engines: engines as BenchOptions['engines'],
    only: only ? new Set(only) : undefined,
    out: values.out,
    profileDir: values.profile,
    nodeFlags: values['node-flags'].split(' ').filter(Boolean),
    pin: !values['no-pin'],
    logLevel: values['log-level'],
    workers: values.workers,
    smoke,
    databaseUrl,
  };
}
