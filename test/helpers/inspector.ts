// Measures a child process's live JavaScript heap through the V8 inspector (the child runs with
// `--inspect=127.0.0.1:0`): a full collection, then `heapUsed`. What is left after a full
// collection is what the program still holds, the number in which a leak shows.
import { once } from 'node:events';

export interface HeapProbe {
  /** Collects garbage in the child, then returns its heapUsed in MB. */
  liveHeapMb(): Promise<number>;
  close(): void;
}

/** Finds the inspector's WebSocket address in the child's output and connects to it. */
export async function connectInspector(output: () => string): Promise<HeapProbe> {
  let url: string | undefined;
  for (let i = 0; i < 100 && !url; i++) {
    url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output())?.[1];
    if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!url) throw new Error('the child did not open an inspector');
  const socket = new WebSocket(url);
  await once(socket, 'open');
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  function send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = nextId++;
    const answer = new Promise<unknown>((resolve) => waiting.set(id, resolve));
    socket.send(JSON.stringify({ id, method, params }));
    return answer;
  }
  return {
    async liveHeapMb() {
      await send('HeapProfiler.collectGarbage');
      const result = (await send('Runtime.evaluate', {
        expression: 'process.memoryUsage().heapUsed',
        returnByValue: true,
      })) as { result: { value: number } };
      return result.result.value / 1_048_576;
    },
    close: () => socket.close(),
  };
}
