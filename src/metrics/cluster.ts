// `/metrics` with WORKERS > 1. Each worker counts what it serves, but a scrape reaches one worker
// at random, so the worker that answers asks the cluster primary, which gathers every worker's
// registries over IPC (prom-client's AggregatorRegistry) and sums them: counters and histograms
// add up, gauges use their own aggregator (live sessions are counted once, not once per worker).
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'jotter:metrics-request';
const RESPONSE = 'jotter:metrics-response';
const TIMEOUT_MS = 5_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as T).type === type;
}

/** In the primary: answers workers' requests with the metrics of all workers. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: (error as Error).message }),
    );
  });
}

/**
 * In a worker: offers `registries` to the primary's collection, and returns the function that
 * fetches the whole cluster's metrics. Outside a cluster it returns undefined.
 */
export function joinClusterMetrics(registries: Registry[]): (() => Promise<string>) | undefined {
  if (!cluster.isWorker || !process.send) return undefined;
  AggregatorRegistry.setRegistries(registries);
  // Constructing one in a worker installs prom-client's listener for the primary's requests.
  new AggregatorRegistry();
  let nextId = 0;
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the cluster primary did not send the metrics in time'));
      }, TIMEOUT_MS);
      function onMessage(message: unknown): void {
        if (!isMessage<MetricsResponse>(message, RESPONSE) || message.id !== id) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(message.error ?? 'no metrics'));
      }
      process.on('message', onMessage);
      process.send!({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
