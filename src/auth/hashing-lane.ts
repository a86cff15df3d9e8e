// Where password hashes run. argon2id runs on libuv's thread pool, off the event loop, but on a
// busy machine "off the event loop" is not enough: the pool's threads compete with the event loop
// for the same cores, and four 19 MiB hashes at once on one core each take twice as long as one
// (measured: 13 ms alone, 26 ms each four at a time) while starving every other request.
// So hashes run at most one per core this process may use, and the pool's threads run at a lower
// scheduling priority (nice +10): when the core is needed for requests, requests win, and a login
// storm slows logins down rather than everything else. The pool has four threads, so file and
// DNS work still find free ones.
import { availableParallelism, setPriority } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';

const POOL_THREAD_NAME = 'libuv-worker';
const POOL_THREAD_NICE = 10;

const limit = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];
let poolLowered = false;

/** Lowers the priority of libuv's pool threads (Linux; elsewhere nothing happens). */
function lowerPoolPriority(): void {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    poolLowered = true;
    return;
  }
  for (const tid of tasks) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== POOL_THREAD_NAME) continue;
      // The pool starts all its threads at its first use: once one is seen, all are.
      poolLowered = true;
      // setpriority(2) with a thread id sets that thread's nice value on Linux.
      setPriority(Number(tid), POOL_THREAD_NICE);
    } catch {
      // A thread that ended, or a system that refuses: the limit below still holds.
    }
  }
}

/** Runs one hash computation when a lane is free. */
export async function inHashingLane<T>(work: () => Promise<T>): Promise<T> {
  if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
    // The pool's threads exist once it has run something: lower them after the first hash.
    if (!poolLowered) lowerPoolPriority();
  }
}
