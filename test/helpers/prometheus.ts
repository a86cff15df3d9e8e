// Scrapes `/metrics` and reads the Prometheus text format strictly: every sample line well formed
// and declared by a `# TYPE` line, no family declared twice, no series repeated. (The one parser
// on npm, parse-prometheus-text-format, drops the labels, sum and count of labelled histograms,
// and accepts malformed lines; this is what "scrapes cleanly" means here.)
import assert from 'node:assert/strict';
import type { App } from '../../src/app.ts';

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*';
const LABEL = `${LABEL_NAME}="${LABEL_VALUE}"`;
// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client
// writes `Nan`).
const VALUE = '(?:[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[iI][nN][fF])|[nN][aA][nN])';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:${LABEL}(?:,${LABEL})*)?\\})? (${VALUE})(?: [0-9]+)?$`);
const LABEL_PAIR = new RegExp(`(${LABEL_NAME})="(${LABEL_VALUE})"`, 'g');
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`);
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum` for a histogram `x`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  text: string;
  /** Family name to its `# TYPE`. */
  types: Map<string, string>;
  samples: Sample[];
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

export function parseExposition(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const series = new Set<string>();
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  for (const line of text.split('\n').slice(0, -1)) {
    if (line === '') continue;
    const comment = COMMENT.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (kind === 'TYPE') {
        assert.ok(TYPES.includes(rest!), `type of ${name}: ${rest}`);
        assert.ok(!types.has(name!), `${name} declared once`);
        types.set(name!, rest!);
      }
      continue;
    }
    const sample = SAMPLE.exec(line);
    assert.ok(sample, `malformed sample line: ${JSON.stringify(line)}`);
    const [, name, labelText = '', value] = sample;
    const family = types.has(name!) ? name! : name!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(family), `${name} has a # TYPE line`);
    const key = name! + labelText;
    assert.ok(!series.has(key), `series ${key} appears once`);
    series.add(key);
    const labels: Record<string, string> = {};
    for (const [, label, raw] of labelText.matchAll(LABEL_PAIR)) {
      labels[label!] = unescapeLabel(raw!);
    }
    samples.push({ name: name!, labels, value: Number(/^[nN]/.test(value!) ? NaN : value) });
  }
  return { text, types, samples };
}

export async function scrape(app: App, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await app.inject({ url: '/metrics', headers });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(response.body);
}

/** The value of the one sample called `name` whose labels include `labels`; undefined if none. */
export function sampleValue(
  scraped: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matches = scraped.samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  assert.ok(matches.length <= 1, `${name} ${JSON.stringify(labels)} names one series`);
  return matches[0]?.value;
}
