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
  /** The status to answer each request with (default 204); `'hang'`: never answer (until the sender goes away). */
  answer: (request: { path: string; body: string }) => number | 'hang';
  /** Every request as it arrived, answered or not. */
  arrived: { headers: IncomingHttpHeaders; body: string }[];
  /** Requests being answered right now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startReceiver(options: { holdMs?: number } = {}): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], arrived: [], answer: () => 204, inFlight: 0, maxInFlight: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    receiver.inFlight++;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      receiver.arrived.push({ headers: request.headers, body });
      const status = receiver.answer({ path, body });
      if (status === 'hang') {
        response.once('close', () => receiver.inFlight--);
        return;
      }
      const finish = () => {
        receiver.received.push({ path, headers: request.headers, body, status });
        receiver.inFlight--;
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
