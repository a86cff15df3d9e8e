// Password hashes run at most one per usable core at a time, and libuv's pool threads (where
// argon2 runs) yield to the event loop's thread.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { inHashingLane } from '../../src/auth/hashing-lane.ts';
import { hashPassword, verifyPassword } from '../../src/auth/passwords.ts';

test('no more hashes run at once than the process has cores', async () => {
  let running = 0;
  let most = 0;
  const work = async (): Promise<void> => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    running--;
  };
  await Promise.all(Array.from({ length: 12 }, () => inHashingLane(work)));
  assert.equal(most, Math.min(12, availableParallelism()));
});

test('a failing hash frees its lane', async () => {
  await assert.rejects(
    Promise.all(
      Array.from({ length: availableParallelism() + 1 }, () =>
        inHashingLane(() => Promise.reject(new Error('boom'))),
      ),
    ),
  );
  assert.equal(await inHashingLane(() => Promise.resolve('free')), 'free');
});

test('libuv pool threads run at a lower priority than the event loop', async (t) => {
  if (!existsSync('/proc/self/task')) return t.skip('needs Linux /proc');
  const stored = await hashPassword('correct horse battery staple');
  assert.equal(await verifyPassword(stored, 'correct horse battery staple'), true);
  const nice = (tid: string): number => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  };
  const threads = readdirSync('/proc/self/task').map((tid) => ({
    name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(),
    nice: nice(tid),
  }));
  const pool = threads.filter((thread) => thread.name === 'libuv-worker');
  assert.ok(pool.length > 0);
  for (const thread of pool) assert.equal(thread.nice, 10);
  assert.equal(nice(String(process.pid)), 0);
});
