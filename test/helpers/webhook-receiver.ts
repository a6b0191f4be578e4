/** A client app's webhook receiver on 127.0.0.1 (node:http): records every request, answers as told. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status to answer each request with (default 204). */
  answer: (request: { path: string; body: string }) => number;
  /** Requests being answered right now, and the most at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startReceiver(options: { holdMs?: number } = {}): Promise<Receiver> {
  let inFlight = 0;
  const receiver: Receiver = { url: '', received: [], answer: () => 204, maxInFlight: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    inFlight++;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const status = receiver.answer({ path, body });
      const finish = () => {
        receiver.received.push({ path, headers: request.headers, body, status });
        inFlight--;
        response.writeHead(status).end();
      };
      if (options.holdMs) setTimeout(finish, options.holdMs);
      else finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A Standard Webhooks secret (24 random-looking bytes, fixed so tests are repeatable). */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('pasarela-webhook-test-key-0123').toString('base64')}`;
