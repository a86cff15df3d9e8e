// `prepare` (run by `npm install` and `npm ci`): builds the web app so that a fresh clone serves
// it from `npm start`. A production install without development packages (`npm ci --omit=dev`)
// has no Vite; it must bring a web/dist built elsewhere, so the build is skipped with a notice.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
if (!existsSync(join(root, 'node_modules', 'vite', 'package.json'))) {
  console.log('prepare: Vite is not installed (production install); web/dist is not rebuilt');
  process.exit(0);
}
const result = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
