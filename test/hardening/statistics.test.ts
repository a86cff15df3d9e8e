// The rank test the timing suite relies on, checked against values worked out by hand and
// against samples with and without a real difference.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../helpers/hardening.ts';
import { mannWhitney, median, normalCdf } from '../helpers/statistics.ts';

describe('statistics for timing tests', () => {
  test('median of odd and even samples', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  test('normal CDF at known points', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-3.290527) - 0.0005) < 1e-6);
  });

  test('U counts the pairs the first sample wins, ties counting half', () => {
    // Pairs: 1 beats none; 3 beats 2; 5 beats 2 and 4 -> U = 3 of 9.
    assert.equal(mannWhitney([1, 3, 5], [2, 4, 6]).u, 3);
    // All tied: every pair is half a win, and no evidence of a difference.
    const tied = mannWhitney([7, 7, 7], [7, 7]);
    assert.equal(tied.u, 3);
    assert.equal(tied.z, 0);
    // Complete separation of 20 and 20: U = 0, z ≈ -5.41.
    const apart = mannWhitney(
      Array.from({ length: 20 }, (_, i) => i),
      Array.from({ length: 20 }, (_, i) => 100 + i),
    );
    assert.equal(apart.u, 0);
    assert.ok(Math.abs(apart.z + 5.41) < 0.01, String(apart.z));
  });

  test('finds a 10% shift in noisy samples and nothing in samples of one distribution', () => {
    const random = seededRandom(42);
    const noisy = (base: number) =>
      Array.from({ length: 300 }, () => base * (1 + 0.1 * (random() + random() + random() - 1.5)));
    assert.ok(mannWhitney(noisy(30), noisy(33)).p < 0.001);
    assert.ok(mannWhitney(noisy(30), noisy(30)).p > 0.001);
  });
});
