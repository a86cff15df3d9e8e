// Builds the browser app into web/dist, which the server serves at `/` (src/web/routes.ts).
// `npm run dev:web` serves it with hot reload on :5173 and forwards API calls to a `jotter serve`
// on :3000, so cookies stay first-party exactly as in production.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const COMPRESSIBLE = /\.(js|css|svg|json)$/;

/**
 * Writes `.br` and `.gz` beside each built asset so the server sends them pre-compressed
 * (`@fastify/static` `preCompressed`) without compressing on every request.
 */
function precompress(outDir: string): Plugin {
  return {
    name: 'jotter:precompress',
    apply: 'build',
    async closeBundle() {
      const assets = join(outDir, 'assets');
      const files = (await readdir(assets)).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(
        files.map(async (name) => {
          const content = await readFile(join(assets, name));
          const [br, gz] = await Promise.all([
            brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
            gzipAsync(content, { level: 9 }),
          ]);
          await writeFile(join(assets, `${name}.br`), br);
          await writeFile(join(assets, `${name}.gz`), gz);
        }),
      );
    },
  };
}

const root = import.meta.dirname;
const outDir = join(root, 'dist');

export default defineConfig({
  root,
  base: '/',
  publicDir: join(root, 'public'),
  plugins: [preact({ prefreshEnabled: true, reactAliasesEnabled: false }), precompress(outDir)],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in the served bundle: they would publish the sources' paths.
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 200,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/.well-known': 'http://127.0.0.1:3000',
    },
  },
});
