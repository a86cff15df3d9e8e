import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { temporaryDirectory } from '../helpers/databases.ts';
import { parseExposition, sampleValue } from '../helpers/prometheus.ts';
import { startServerProcess } from '../helpers/server.ts';

describe('/metrics with WORKERS=2', () => {
  test('every scrape shows the whole cluster, whichever worker answers', async (t) => {
    const dir = temporaryDirectory();
    t.after(() => dir.remove());
    const server = await startServerProcess({ DATA_DIR: dir.path, WORKERS: '2' });
    t.after(() => server.stop('SIGKILL'));

    for (let i = 0; i < 10; i++) {
      // A new connection each time, so the requests spread over the workers.
      const response = await fetch(`${server.url}/healthz`, { headers: { connection: 'close' } });
      assert.equal(response.status, 200);
    }
    for (let scrape = 0; scrape < 4; scrape++) {
      const response = await fetch(`${server.url}/metrics`, { headers: { connection: 'close' } });
      assert.equal(response.status, 200);
      const scraped = parseExposition(await response.text());
      const healthz = { method: 'GET', route: '/healthz', status: '200' };
      assert.equal(sampleValue(scraped, 'jotter_http_requests_total', healthz), 10);
      assert.equal(sampleValue(scraped, 'jotter_active_sessions'), 0);
      assert.equal(sampleValue(scraped, 'jotter_database_up'), 1);
      assert.equal(sampleValue(scraped, 'jotter_database_info', { engine: 'sqlite' }), 1);
    }
    assert.equal(await server.stop('SIGTERM'), 0);
  });
});
