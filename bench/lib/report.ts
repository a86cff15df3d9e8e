// Rows of the result table: medians over the rounds of one measurement, its ceiling and ratio,
// and the flags that qualify it (invalid when any answer was not 2xx; disturbed when other work
// on the machine used a real share of a core meanwhile; load-bound when the load generator had
// no CPU to spare, so the server may have been able to do more).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DISTURBED_OTHER_CPU,
  LOAD_BOUND_CPU,
  median,
  type RoundFigures,
  type StreamFigures,
} from './load.ts';

export interface Row {
  engine: string;
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Medians, in % of one core. */
  serverCpu: number;
  dbCpu: number;
  loadCpu: number;
  otherCpu: number;
  /** Server CPU time per answered request, in µs. */
  cpuPerRequestUs: number;
  rssMb: number;
  rounds: { rps: number; p50: number; p99: number; errors: number; otherCpu: number }[];
  valid: boolean;
  disturbed: boolean;
  loadBound: boolean;
  /** What the row is compared with, and how it fares. */
  comparison?: Comparison;
}

export interface Comparison {
  against: string;
  /** Higher is better unless `lowerIsBetter`. */
  ratio: number;
  target?: number;
  lowerIsBetter?: boolean;
  met?: boolean;
}

export function toRow(
  engine: string,
  name: string,
  connections: number,
  rounds: RoundFigures[],
  stream = 0,
): Row {
  const figures: StreamFigures[] = rounds.map((round) => round.streams[stream]!);
  const pick = (get: (round: RoundFigures) => number): number => median(rounds.map(get));
  const rps = median(figures.map((f) => f.rps));
  const serverCpu = pick((r) => r.serverCpu);
  const errors = figures.reduce((sum, f) => sum + f.errors, 0);
  const otherCpu = pick((r) => r.otherCpu);
  return {
    engine,
    name,
    connections,
    rps,
    p50: median(figures.map((f) => f.p50)),
    p99: median(figures.map((f) => f.p99)),
    errors,
    serverCpu,
    dbCpu: pick((r) => r.dbCpu),
    loadCpu: pick((r) => r.loadCpu),
    otherCpu,
    cpuPerRequestUs: rps > 0 ? (serverCpu / 100 / rps) * 1e6 : Number.NaN,
    rssMb: pick((r) => r.serverRssMb),
    rounds: rounds.map((round, i) => ({
      rps: figures[i]!.rps,
      p50: figures[i]!.p50,
      p99: figures[i]!.p99,
      errors: figures[i]!.errors,
      otherCpu: round.otherCpu,
    })),
    valid: errors === 0 && figures.every((f) => f.requests > 0),
    disturbed: otherCpu > DISTURBED_OTHER_CPU,
    loadBound: pick((r) => r.loadCpu) > LOAD_BOUND_CPU,
  };
}

export function compare(
  row: Row,
  against: string,
  ratio: number,
  target?: number,
  lowerIsBetter = false,
): void {
  row.comparison = {
    against,
    ratio,
    target,
    lowerIsBetter,
    met:
      target === undefined || !row.valid
        ? undefined
        : lowerIsBetter
          ? ratio <= target
          : ratio >= target,
  };
}

function fixed(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function flags(row: Row): string {
  const out: string[] = [];
  if (!row.valid) out.push(`INVALID (${row.errors} errors)`);
  if (row.disturbed) out.push('disturbed');
  if (row.loadBound) out.push('load-bound');
  return out.join(', ');
}

function comparisonText(row: Row): string {
  const c = row.comparison;
  if (!c) return '';
  const target =
    c.target === undefined
      ? ''
      : ` (target ${c.lowerIsBetter ? '≤' : '≥'} ${c.target}: ${c.met === undefined ? 'n/a' : c.met ? 'met' : 'MISSED'})`;
  return `${fixed(c.ratio, 2)} × ${c.against}${target}`;
}

/** The table, as fixed-width text. */
export function formatTable(rows: Row[]): string {
  const header = [
    'engine',
    'workload',
    'conn',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'srv CPU%',
    'µs CPU/req',
    'db CPU%',
    'load CPU%',
    'other CPU%',
    'RSS MB',
    'ratio',
    'flags',
  ];
  const lines = rows.map((row) => [
    row.engine,
    row.name,
    String(row.connections),
    fixed(row.rps),
    fixed(row.p50, 1),
    fixed(row.p99, 1),
    String(row.errors),
    fixed(row.serverCpu),
    fixed(row.cpuPerRequestUs),
    fixed(row.dbCpu),
    fixed(row.loadCpu),
    fixed(row.otherCpu),
    fixed(row.rssMb),
    comparisonText(row),
    flags(row),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]!.length)),
  );
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const render = (cells: string[]): string =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join(
    '\n',
  );
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}
