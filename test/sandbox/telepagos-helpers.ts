/** Shared set-up of the TelePagos sandbox tests: a fixed clock and seed, and a raw authenticated client. */
import { call, type CallOptions, type CallResult } from '../helpers/http.js';
import { startTelepagosSandbox, type TelepagosSandboxOptions } from '../../src/sandbox/telepagos/index.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';

/** 12:00 in Argentina on 2025-06-15: the seeded history ends here. */
export const NOW = new Date('2025-06-15T15:00:00Z');
export const TODAY = '2025-06-15';
export const SEED = 42;

export function startTestSandbox(options: TelepagosSandboxOptions = {}) {
  return startTelepagosSandbox({ now: NOW, seed: SEED, ...options });
}

export async function issueToken(url: string): Promise<string> {
  const { username, password } = SANDBOX_CREDENTIALS.telepagos;
  const response = await call(url, 'POST', '/v2/auth/token', { body: { username, password } });
  if (response.body?.status !== 'ok') throw new Error(`token request failed: ${response.text}`);
  return response.body.token as string;
}

export interface Api {
  get(path: string, query?: CallOptions['query']): Promise<CallResult>;
  post(path: string, body: unknown): Promise<CallResult>;
  postForm(path: string, form: Record<string, string>): Promise<CallResult>;
  del(path: string, options?: Omit<CallOptions, 'headers'>): Promise<CallResult>;
}

/** Raw calls with `Authorization: Bearer <token>`: what a client sends, none of our client code. */
export function api(url: string, token: string): Api {
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: (path, query) => call(url, 'GET', path, { query, headers }),
    post: (path, body) => call(url, 'POST', path, { body, headers }),
    postForm: (path, form) => call(url, 'POST', path, { form, headers }),
    del: (path, options = {}) => call(url, 'DELETE', path, { ...options, headers }),
  };
}

export async function balanceOf(client: Api): Promise<number> {
  return (await client.get('/v2/account/balance')).body.amount as number;
}

export interface Summary {
  balance_cents: number;
  cashouts: number;
  cashins: number;
  transactions: number;
  qr_orders: number;
  payment_links: number;
  sale_points: number;
}

/** The state counters of `GET /_sandbox/state/summary`, without its ticking clock (so two compare equal). */
export async function summaryOf(url: string): Promise<Summary> {
  const { now: _now, ...counters } = (await call(url, 'GET', '/_sandbox/state/summary')).body;
  return counters;
}

/** Asserts the TelePagos error shape and returns the message. */
export function errorMessage(response: CallResult): string {
  if (response.body?.status !== 'error' || typeof response.body.message !== 'string') {
    throw new Error(`expected a TelePagos error body, got ${response.status} ${response.text}`);
  }
  return response.body.message;
}
