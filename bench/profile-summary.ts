// Summarises a V8 CPU profile (`--cpu-prof`, as `npm run bench -- --profile DIR` writes): the
// functions with the most self time, and self time by package (or by our own source folder).
// Usage: node bench/profile-summary.ts FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.ts FILE.cpuprofile [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
});

function place(url: string): string {
  if (url === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(src\/[^/]+|bench)\//.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url;
}

const functions = new Map<string, number>();
const places = new Map<string, number>();
let total = 0;
for (const [id, ms] of selfMs) {
  const { callFrame } = byId.get(id)!;
  const name = `${callFrame.functionName || '(anonymous)'} ${place(callFrame.url)}:${callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + ms);
  const where = ['(idle)', '(program)', '(garbage collector)'].includes(callFrame.functionName)
    ? callFrame.functionName
    : place(callFrame.url);
  places.set(where, (places.get(where) ?? 0) + ms);
  total += ms;
}
const top = Number(topArg ?? 30);
const show = (title: string, map: Map<string, number>): void => {
  console.log(`\n${title}`);
  for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}`,
    );
};
show('Self time by package or folder', places);
show('Self time by function', functions);
