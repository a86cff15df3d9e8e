// What the benchmark reads from the operating system: CPU time and memory of a process (from
// /proc), how busy each core was (to tell a quiet round from one disturbed by other work on the
// machine), and core pinning with `taskset` when it is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** Clock ticks per second of /proc's CPU counters (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

function findTaskset(): string | undefined {
  for (const path of ['/usr/bin/taskset', '/bin/taskset']) if (existsSync(path)) return path;
  return undefined;
}

export const TASKSET = findTaskset();

export interface Pinning {
  /** Core of the server under test (and, when pinned, of the PostgreSQL backends serving it). */
  serverCore: number | undefined;
  /** Core of this process, the load generator. */
  loadCore: number | undefined;
}

/** Server on core 0, load generator on core 1, when there are two cores and `taskset`. */
export function choosePinning(wanted: boolean): Pinning {
  if (!wanted || !TASKSET || availableParallelism() < 2) {
    return { serverCore: undefined, loadCore: undefined };
  }
  return { serverCore: 0, loadCore: 1 };
}

/** Pins every thread of a running process to one core. */
export function pinProcess(pid: number, core: number): void {
  if (!TASKSET) return;
  execFileSync(TASKSET, ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

/** The command line that runs `argv` on `core` (or as is without pinning). */
export function pinnedCommand(argv: string[], core: number | undefined): string[] {
  return core === undefined || !TASKSET ? argv : [TASKSET, '-c', String(core), ...argv];
}

/** User plus system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * A process and all its descendants (a `WORKERS` primary and its workers), from
 * /proc/<pid>/task/<tid>/children; just the process where that file does not exist.
 */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${tree[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${tree[i]}/task/${task}/children`, 'utf8');
        for (const child of children.split(' ')) if (child.trim() !== '') tree.push(Number(child));
      } catch {
        // The task ended meanwhile.
      }
    }
  }
  return tree;
}

/** Resident memory of a process and its descendants (its workers) in MB. */
export function treeRssMb(pid: number): number {
  return processTree(pid).reduce((sum, member) => sum + rssMb(member), 0);
}

/** Resident memory of a process in MB (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of every core so far (everything but idle and iowait). */
export function coreBusySeconds(): number[] {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const busy: number[] = [];
  for (const line of lines) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [user, nice, system, , , irq, softirq, steal] = match[2]!.split(' ').map(Number);
    busy[Number(match[1])] =
      (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
  }
  return busy;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  taskset: boolean;
}

export function describeMachine(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    // All cores of the machine, not only those this process may run on.
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    taskset: TASKSET !== undefined,
  };
}
