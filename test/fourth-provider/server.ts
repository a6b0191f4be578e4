/**
 * A tiny sandbox of the test-only fourth provider ("Cuarta"): one balance in USD, movements listed by
 * instant range (`from`/`to`, ISO instants, both inclusive) or read by ref, and signed notifications
 * of a movement posted to the gateway (`notify`). Every request is logged for the test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { CUARTA_SIGNATURE_HEADER, cuartaSignature } from './webhook.js';

export interface CuartaMovement {
  ref: string;
  at: string;
  cents: number;
  state: 'ok' | 'failed';
}

export const CUARTA_BALANCE_CENTS = 1_234_550;

/** Three movements around midnight in Madrid (UTC+01:00 in January): the second is 2026-01-11 there, 2026-01-10 in UTC. */
export const CUARTA_MOVEMENTS: CuartaMovement[] = [
  { ref: 'm-1', at: '2026-01-10T09:00:00Z', cents: 50_000, state: 'ok' },
  { ref: 'm-2', at: '2026-01-10T23:30:00Z', cents: -12_345, state: 'ok' },
  { ref: 'm-3', at: '2026-01-12T08:00:00Z', cents: 7_000, state: 'failed' },
];

export interface FakeCuarta {
  url: string;
  /** Paths with query strings, in arrival order. */
  requests: string[];
  /** Posts Cuarta's notice of movement `ref` to the gateway's /webhooks/cuarta, signed unless `signed` is false; answers the gateway's status. */
  notify(gatewayUrl: string, ref: string, signed?: boolean): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeCuarta(): Promise<FakeCuarta> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://cuarta');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Key cuarta-test-key') return reply(401, { error: 'unauthorized' });
    if (url.pathname === '/balance') return reply(200, { cents: CUARTA_BALANCE_CENTS, currency: 'USD' });
    if (url.pathname === '/movements') {
      const from = Date.parse(url.searchParams.get('from') ?? '');
      const to = Date.parse(url.searchParams.get('to') ?? '');
      if (Number.isNaN(from) || Number.isNaN(to)) return reply(400, { error: 'from and to are required' });
      return reply(200, { movements: CUARTA_MOVEMENTS.filter((m) => Date.parse(m.at) >= from && Date.parse(m.at) <= to) });
    }
    const one = /^\/movements\/([^/]+)$/.exec(url.pathname);
    const movement = one && CUARTA_MOVEMENTS.find((m) => m.ref === decodeURIComponent(one[1]!));
    if (movement) return reply(200, movement);
    return reply(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async notify(gatewayUrl, ref, signed = true) {
      const body = JSON.stringify({ ref });
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(signed && { [CUARTA_SIGNATURE_HEADER]: cuartaSignature(body) }) };
      const answer = await request(`${gatewayUrl}/webhooks/cuarta`, { method: 'POST', headers, body });
      await answer.body.dump();
      return answer.statusCode;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
