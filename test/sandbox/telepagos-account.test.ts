import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import {
  CONCEPTS,
  OPERATIONS,
  TELEPAGOS_MESSAGES,
  TELEPAGOS_STRICT_RULES,
  TX_STATUS,
  argentinaDayStartMs,
  parseArgentinaDateTime,
} from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { TODAY, api, errorMessage, issueToken, startTestSandbox, summaryOf, type Api } from './telepagos-helpers.js';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;
let sandbox: Sandbox;
let client: Api;
const { username, password } = SANDBOX_CREDENTIALS.telepagos;
const HALF_YEAR = { date_from: '2024-12-17', date_to: TODAY };

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.reset();
  client = api(sandbox.url, await issueToken(sandbox.url));
});

describe('POST /v2/auth/token', () => {
  it('issues an opaque token whose expires_at is Unix seconds, one hour ahead', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await call(sandbox.url, 'POST', '/v2/auth/token', { body: { username, password } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', token: expect.any(String), expires_at: expect.any(Number) });
    expect(response.body.expires_at).toBeGreaterThanOrEqual(before + 3600);
    expect(response.body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
  });

  it('accepts a form-encoded body', async () => {
    const response = await call(sandbox.url, 'POST', '/v2/auth/token', { form: { username, password } });
    expect(response.body.status).toBe('ok');
  });

  it('refuses wrong credentials with 401 "Wrong credentials"', async () => {
    const response = await call(sandbox.url, 'POST', '/v2/auth/token', { body: { username, password: 'nope' } });
    expect(response.status).toBe(401);
    expect(errorMessage(response)).toBe(TELEPAGOS_MESSAGES.wrongCredentials);
  });

  it('answers 422 when a credential is missing', async () => {
    const response = await call(sandbox.url, 'POST', '/v2/auth/token', { body: { username } });
    expect(response.status).toBe(422);
    expect(errorMessage(response)).toMatch(/password/);
  });

  it('reads an empty JSON body as no body (no document forbids it); refuses it with 400 only under the strict rule', async () => {
    const empty = () => call(sandbox.url, 'POST', '/v2/auth/token', { headers: { 'content-type': 'application/json' } });
    const lenient = await empty();
    expect(lenient.status).toBe(422);
    expect(lenient.body).toEqual({ status: 'error', message: 'The username field is required.' });
    sandbox.strict.add(TELEPAGOS_STRICT_RULES.emptyJsonBody);
    try {
      const strict = await empty();
      expect(strict.status).toBe(400);
      expect(strict.body).toEqual({ status: 'error', message: expect.any(String) });
    } finally {
      sandbox.strict.clear();
    }
  });

  it('answers a JSON body that is not an object with 422', async () => {
    const response = await call(sandbox.url, 'POST', '/v2/auth/token', { body: '{"username":' });
    expect(response.status).toBe(422);
  });
});

describe('bearer token checks', () => {
  it('refuses a missing, an unknown and an expired token with distinct 401 messages', async () => {
    const missing = await call(sandbox.url, 'GET', '/v2/account/balance');
    const unknown = await api(sandbox.url, 'not-a-token').get('/v2/account/balance');
    await call(sandbox.url, 'POST', '/_sandbox/tokens/expire');
    const expired = await client.get('/v2/account/balance');
    expect([missing.status, unknown.status, expired.status]).toEqual([401, 401, 401]);
    expect(errorMessage(missing)).toBe(TELEPAGOS_MESSAGES.tokenMissing);
    expect(errorMessage(unknown)).toBe(TELEPAGOS_MESSAGES.tokenInvalid);
    expect(errorMessage(expired)).toBe(TELEPAGOS_MESSAGES.tokenExpired);
  });

  it('lets a token expire by its lifetime, set through the control surface', async () => {
    await call(sandbox.url, 'PUT', '/_sandbox/tokens/lifetime', { body: { seconds: 1 } });
    const shortLived = api(sandbox.url, await issueToken(sandbox.url));
    expect((await shortLived.get('/v2/account/balance')).status).toBe(200);
    await sleep(1_100);
    const response = await shortLived.get('/v2/account/balance');
    expect(response.status).toBe(401);
    expect(errorMessage(response)).toBe(TELEPAGOS_MESSAGES.tokenExpired);
  });
});

describe('reference lists', () => {
  it('lists the concepts', async () => {
    const response = await client.get('/v2/payment/concepts');
    expect(response.body).toEqual({ status: 'ok', concepts: CONCEPTS });
  });

  it('lists the operations usable as transaction filters', async () => {
    const response = await client.get('/v2/account/transactions_filters');
    expect(response.body.status).toBe('ok');
    expect(response.body.operations).toEqual(OPERATIONS);
  });
});

describe('GET /v2/account/balance', () => {
  it('answers the balance as whole pesos, cents truncated', async () => {
    const { balance_cents } = await summaryOf(sandbox.url);
    const response = await client.get('/v2/account/balance');
    expect(response.body).toEqual({ status: 'ok', amount: Math.trunc(balance_cents / 100) });
    expect(Number.isInteger(response.body.amount)).toBe(true);
  });
});

describe('GET /v2/account/transactions', () => {
  it('returns every matching transaction without paginate, newest first, in the documented shape', async () => {
    const response = await client.get('/v2/account/transactions', HALF_YEAR);
    const rows = response.body.transactions as Record<string, unknown>[];
    expect(response.body.status).toBe('ok');
    expect(response.body).not.toHaveProperty('number_of_results');
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['amount', 'cuit', 'cvu_cbu', 'date', 'holder', 'income', 'operation', 'sale_point_name', 'status']);
      expect(row.date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(row.amount).toMatch(/^\d+\.\d{2}$/);
      expect([0, 1]).toContain(row.income);
      expect(Object.values(TX_STATUS)).toContain(row.status);
    }
    const times = rows.map((row) => parseArgentinaDateTime(row.date as string)!);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(rows.map((row) => row.sale_point_name))).toEqual(new Set(['', 'Sucursal Centro', 'Sucursal Palermo', 'Feria Costanera']));
  });

  it('walks pages 1..pages to exactly number_of_results rows, without duplicates, equal to the unpaginated list', async () => {
    const all = (await client.get('/v2/account/transactions', HALF_YEAR)).body.transactions as unknown[];
    const first = (await client.get('/v2/account/transactions', { ...HALF_YEAR, paginate: 1 })).body;
    const pageSize = first.pagination as number;
    expect(first.page).toBe(1);
    expect(first.transactions).toHaveLength(pageSize);
    expect(first.pages).toBe(Math.ceil(first.number_of_results / pageSize));
    expect(first.pages).toBeGreaterThan(10);
    const walked: unknown[] = [];
    for (let page = 1; page <= first.pages; page++) {
      const body = (await client.get('/v2/account/transactions', { ...HALF_YEAR, paginate: 1, page })).body;
      expect(body.number_of_results).toBe(first.number_of_results);
      expect(body.transactions.length).toBe(page < first.pages ? pageSize : first.number_of_results - pageSize * (first.pages - 1));
      walked.push(...body.transactions);
    }
    expect(walked).toHaveLength(first.number_of_results);
    expect(new Set(walked.map((row) => JSON.stringify(row))).size).toBe(walked.length);
    expect(walked).toEqual(all);
  });

  it('answers a page beyond the last with an empty list and the counts', async () => {
    const first = (await client.get('/v2/account/transactions', { ...HALF_YEAR, paginate: 1 })).body;
    const beyond = (await client.get('/v2/account/transactions', { ...HALF_YEAR, paginate: 1, page: first.pages + 1 })).body;
    expect(beyond).toMatchObject({ status: 'ok', transactions: [], number_of_results: first.number_of_results, pages: first.pages, page: first.pages + 1 });
  });

  it('includes both ends of the date range, in Argentina time', async () => {
    const rows = (await client.get('/v2/account/transactions', { date_from: '2025-06-10', date_to: '2025-06-12' })).body.transactions as { date: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.date.slice(0, 10) >= '2025-06-10' && row.date.slice(0, 10) <= '2025-06-12').toBe(true);
    const single = (day: string) => client.get('/v2/account/transactions', { date_from: day, date_to: day });
    let sum = 0;
    for (const day of ['2025-06-10', '2025-06-11', '2025-06-12']) sum += (await single(day)).body.transactions.length;
    expect(sum).toBe(rows.length);
  });

  it('filters by operation', async () => {
    const all = (await client.get('/v2/account/transactions', HALF_YEAR)).body.transactions as { operation: string }[];
    const qr = (await client.get('/v2/account/transactions', { ...HALF_YEAR, operation: 'qr_payment' })).body.transactions as { operation: string }[];
    expect(qr.length).toBe(all.filter((row) => row.operation === 'qr_payment').length);
    expect(qr.every((row) => row.operation === 'qr_payment')).toBe(true);
  });

  it.each([
    ['missing dates', {}],
    ['a malformed date', { date_from: '15/06/2025', date_to: TODAY }],
    ['an impossible date', { date_from: '2025-02-30', date_to: TODAY }],
    ['date_from after date_to', { date_from: TODAY, date_to: '2025-06-01' }],
    ['an unknown operation', { ...HALF_YEAR, operation: 'teleport' }],
    ['paginate other than 0/1', { ...HALF_YEAR, paginate: 2 }],
    ['page 0', { ...HALF_YEAR, paginate: 1, page: 0 }],
  ])('answers 422 for %s', async (_label, query) => {
    const response = await client.get('/v2/account/transactions', query);
    expect(response.status).toBe(422);
    expect(errorMessage(response).length).toBeGreaterThan(0);
  });
});

describe('GET /v2/whitelabel/statics/{period}', () => {
  it('computes the month from the state, in the documented nested shape', async () => {
    const response = await client.get('/v2/whitelabel/statics/2025-05');
    const rows = (await client.get('/v2/account/transactions', { date_from: '2025-05-01', date_to: '2025-05-31' })).body.transactions as {
      income: number;
      amount: string;
      status: string;
      operation: string;
    }[];
    const approved = rows.filter((row) => row.status === 'Aprobada');
    const total = (income: number) =>
      (approved.filter((row) => row.income === income).reduce((sum, row) => sum + Math.round(Number(row.amount) * 100), 0) / 100).toFixed(2);
    expect(response.body).toEqual({
      status: 'ok',
      data: [
        [{ count_open_cvu: expect.any(Number) }],
        [{ total_cashout: total(0), total_cashin: total(1) }],
        [{ count_payments_services: approved.filter((row) => row.operation === 'service_payment').length }],
        [{ count_sent_sms: expect.any(Number) }],
      ],
    });
  });

  it('answers null totals and zero counts for a month without activity', async () => {
    const response = await client.get('/v2/whitelabel/statics/2020-01');
    expect(response.body.data).toEqual([
      [{ count_open_cvu: 0 }],
      [{ total_cashout: null, total_cashin: null }],
      [{ count_payments_services: 0 }],
      [{ count_sent_sms: 0 }],
    ]);
  });

  it('answers 422 for a period that is not YYYY-MM', async () => {
    for (const period of ['2025-13', '2025-5', '202505']) {
      expect((await client.get(`/v2/whitelabel/statics/${period}`)).status).toBe(422);
    }
  });

  it('refuses users not tied to the collecting account', async () => {
    const other = await startTestSandbox({ whitelabel: false });
    try {
      const response = await api(other.url, await issueToken(other.url)).get('/v2/whitelabel/statics/2025-05');
      expect(response.status).toBe(403);
      expect(errorMessage(response)).toMatch(/collecting account/);
    } finally {
      await other.close();
    }
  });
});

describe('seeded state', () => {
  it('is the same for the same seed and now, and differs for another seed', async () => {
    const twin = await startTestSandbox();
    const other = await startTestSandbox({ seed: 7 });
    try {
      const rows = async (url: string) => (await api(url, await issueToken(url)).get('/v2/account/transactions', HALF_YEAR)).body.transactions;
      expect(await rows(twin.url)).toEqual(await rows(sandbox.url));
      expect(await rows(other.url)).not.toEqual(await rows(sandbox.url));
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  it('ends the history at now and spans the configured days', async () => {
    const rows = (await client.get('/v2/account/transactions', { date_from: '2000-01-01', date_to: '2030-12-31' })).body.transactions as { date: string }[];
    const newest = parseArgentinaDateTime(rows[0]!.date)!;
    const oldest = parseArgentinaDateTime(rows.at(-1)!.date)!;
    expect(newest).toBeLessThanOrEqual(Date.parse('2025-06-15T15:00:00Z'));
    expect(oldest).toBeGreaterThanOrEqual(argentinaDayStartMs('2024-12-16')!);
  });
});
