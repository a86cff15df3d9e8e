// Small statistics for the timing tests: medians and the Mann-Whitney U rank test (two-sided,
// normal approximation with the tie correction, fine for samples of a few dozen and more).

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RankTest {
  /** U of the first sample: how often one of its values beats one of the second's. */
  u: number;
  /** Standardised U; |z| above 3.29 means p < 0.001 (two-sided). */
  z: number;
  /** Two-sided p-value. */
  p: number;
  /** U / (n1 · n2): the probability that a value of the first exceeds one of the second. */
  effect: number;
}

/** Mann-Whitney U test of two independent samples. */
export function mannWhitney(first: readonly number[], second: readonly number[]): RankTest {
  const n1 = first.length;
  const n2 = second.length;
  if (n1 === 0 || n2 === 0) throw new Error('rank test of an empty sample');
  const pooled = [
    ...first.map((value) => ({ value, isFirst: true })),
    ...second.map((value) => ({ value, isFirst: false })),
  ].sort((a, b) => a.value - b.value);
  // Average ranks over ties; the tie term corrects the variance.
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length;) {
    let end = start;
    while (end + 1 < pooled.length && pooled[end + 1]!.value === pooled[start]!.value) end++;
    const size = end - start + 1;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (pooled[i]!.isFirst) rankSumFirst += averageRank;
    tieTerm += size ** 3 - size;
    start = end + 1;
  }
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const z = variance > 0 ? (u - mean) / Math.sqrt(variance) : 0;
  return { u, z, p: 2 * (1 - normalCdf(Math.abs(z))), effect: u / (n1 * n2) };
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const polynomial =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - polynomial * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
