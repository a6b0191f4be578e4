/** Shared setup of the Talo sandbox conformance suite: fixed seed and clock, tokens, a webhook receiver. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { call } from '../helpers/http.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { startTaloSandbox, type TaloCredentials, type TaloSandboxOptions } from '../../src/sandbox/talo/index.js';

export const ACCOUNT: TaloCredentials = {
  userId: SANDBOX_CREDENTIALS.talo.userId,
  clientId: SANDBOX_CREDENTIALS.talo.clientId,
  clientSecret: SANDBOX_CREDENTIALS.talo.clientSecret,
};
export const NOW = new Date('2026-01-15T12:00:00.000Z');
export const SEED = 42;

export const startFixture = (options: TaloSandboxOptions = {}) => startTaloSandbox({ seed: SEED, now: NOW, ...options });

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export async function issueToken(url: string, account: TaloCredentials = ACCOUNT): Promise<string> {
  const response = await call(url, 'POST', `/users/${account.userId}/tokens`, {
    body: { client_id: account.clientId, client_secret: account.clientSecret },
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${response.text}`);
  return response.body.data.token as string;
}

/** A body with every field Talo documents, valid for ACCOUNT. */
export function paymentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    price: { currency: 'ARS', amount: 1500.5 },
    user_id: ACCOUNT.userId,
    redirect_url: 'https://shop.example/checkout/1234',
    external_id: 'FDF_987654',
    motive: '2 calendarios grandes',
    payment_options: ['transfer'],
    items: [{ name: 'Calendario', quantity: 2 }],
    ...overrides,
  };
}

export async function createPayment(url: string, token: string, overrides: Record<string, unknown> = {}) {
  const response = await call(url, 'POST', '/payments/', { headers: bearer(token), body: paymentBody(overrides) });
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body.data as Record<string, any>;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, any> } {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

export interface ReceivedWebhook {
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The status the receiver answered with. */
  answered: number;
}

/** A merchant endpoint on port 0: records each POST and answers the next queued status (default 200). */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const answered = statuses.shift() ?? 200;
      received.push({ body: JSON.parse(raw), headers: request.headers, answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/talo/secret-path`,
    received,
    /** Answer the next requests with these statuses, in order. */
    answerNext: (...next: number[]) => statuses.push(...next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** call() always sends valid JSON; malformed bodies need the raw request it wraps. */
export async function sendRawJson(url: string, raw: string, headers: Record<string, string> = {}) {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}
