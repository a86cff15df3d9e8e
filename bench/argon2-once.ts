// One argon2id hash on its own, with Jotter's parameters (src/auth/passwords.ts), timed a few
// times in a fresh process pinned like the server; prints the median in ms as JSON.
import { performance } from 'node:perf_hooks';
import { hashPassword } from '../src/auth/passwords.ts';

const times: number[] = [];
await hashPassword('warm-up the thread pool');
for (let i = 0; i < 7; i++) {
  const start = performance.now();
  await hashPassword(`correct horse battery staple ${i}`);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ hashMs: times[Math.floor(times.length / 2)] }));
