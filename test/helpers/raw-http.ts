// Raw HTTP/1.1 over a TCP socket, for what fetch cannot do: send half a request, trickle bytes,
// send bytes that are not valid HTTP, hold connections open, and see exactly when the server
// answers and when it closes.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first HTTP answer in `data`, or undefined while it is incomplete. */
export function parseAnswer(data: Buffer): RawAnswer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = data.subarray(end + 4);
  if (body.length < length) return undefined;
  return { status, headers, body: body.subarray(0, length).toString('utf8') };
}

export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** The first answer, as soon as it is complete (undefined if the socket closed first). */
  answer: Promise<RawAnswer | undefined>;
  /** Resolves when the server (or anything) closed the connection; the value is when. */
  closed: Promise<number>;
  /** Bytes written by `send` so far. */
  sent(): number;
  send(data: string | Buffer): boolean;
}

export async function openRaw(port: number): Promise<RawConnection> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let data = Buffer.alloc(0);
  let written = 0;
  // Writes after the server closed fail with EPIPE/ECONNRESET: expected here, never a crash.
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  const answer = new Promise<RawAnswer | undefined>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseAnswer(data);
      if (parsed) resolve(parsed);
    });
    socket.once('close', () => resolve(parseAnswer(data)));
  });
  return {
    socket,
    received: () => data,
    answer,
    closed,
    sent: () => written,
    send(chunk) {
      if (socket.destroyed) return false;
      written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return socket.write(chunk);
    },
  };
}
