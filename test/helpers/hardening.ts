// Settings shared by the hardening suites. `npm test` runs them short; `npm run test:hardening`
// sets HARDENING=full and runs them long (more fuzz cases, more kills, a soak of minutes).
// FUZZ_SEED replays a failing run exactly; every suite prints the seed it used.
import { randomInt } from 'node:crypto';

export const isFullRun = process.env.HARDENING === 'full';

/** `quick` in `npm test`, `full` in `npm run test:hardening`. */
export function scaled(quick: number, full: number): number {
  return isFullRun ? full : quick;
}

/** The run's seed: FUZZ_SEED when given (to replay), else a fresh one. */
export function runSeed(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${given}`);
    return seed;
  }
  return randomInt(0, 2 ** 31);
}

/** A small seeded generator (mulberry32) for the suites' own random choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prints one line for the run's report (node:test shows it with the file's output). */
export function report(suite: string, figures: Record<string, unknown>): void {
  console.log(`# hardening ${suite}: ${JSON.stringify(figures)}`);
}
