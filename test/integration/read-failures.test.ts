/**
 * What clients see when a provider fails, is not configured, or the input is bad: errors carry the
 * contract's codes at the right path, and one provider failing never blanks the others' data. Each
 * describe has its own gateway, so a circuit opened by one group's faults cannot leak into another.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');

/** Provider calls other than getting a token or a session. */
function upstreamCalls(gw: TestGateway) {
  const auth = new Set(['POST /v2/auth/token', 'POST /users/:user_id/tokens', 'POST /v1/auth/login']);
  return [gw.sandboxes.telepagos, gw.sandboxes.talo, gw.sandboxes.tupay].flatMap((s) => s.log.list().filter((r) => !auth.has(r.route)));
}

describe('a provider failing', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('accounts with Tupay down: the TelePagos account is there, and an error at ["accounts"] names TUPAY', async () => {
    // Every attempt (the first and its retries) answers 503.
    gw().sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'status', status: 503 });
    const { status, body } = await gw().query('{ accounts { provider balance { amount currency } } }');
    gw().clearLogs();
    expect(status).toBe(200);
    expect(body.data.accounts).toHaveLength(1);
    expect(body.data.accounts[0]).toMatchObject({ provider: 'TELEPAGOS', balance: { currency: 'ARS' } });
    expect(body.data.accounts[0].balance.amount).toMatch(/^\d+\.\d{2}$/);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['accounts']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TUPAY' });
    expect(typeof body.errors![0]!.extensions!.requestId).toBe('string');
  });

  it('accounts with TelePagos down: the Tupay account is there, and an error names TELEPAGOS', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'reset' });
    const { body } = await gw().query('{ accounts { provider balances { currency } } }');
    gw().clearLogs();
    expect(body.data.accounts.map((a: { provider: string }) => a.provider)).toEqual(['TUPAY']);
    expect(body.data.accounts[0].balances.map((b: { currency: string }) => b.currency).sort()).toEqual(['PEN', 'USD']);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['accounts']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS' });
  });

  it('Talo down: payment is null with its error at ["payment"], TelePagos fields answer', async () => {
    const payments = await call(gw().sandboxes.talo.url, 'GET', '_sandbox/payments');
    const id = payments.body.payments[0].id as string;
    gw().sandboxes.talo.faults.add({ route: 'GET /payments/:id', mode: 'status', status: 502 });
    const { body } = await gw().query(`query($id: ID!) { payment(id: $id) { id status } salePoints { name } }`, { id });
    gw().clearLogs();
    expect(body.data.payment).toBeNull();
    expect(body.data.salePoints.map((s: { name: string }) => s.name)).toContain('Sucursal Centro');
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['payment']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TALO' });
  });

  it('a failing listing blanks only that account: the error is at its transactions path', async () => {
    gw().sandboxes.tupay.faults.add({ route: 'GET /v1/deposits', mode: 'status', status: 500 });
    const { body } = await gw().query(`{
      tp: account(provider: TELEPAGOS) { transactions(from: "2026-01-10", to: "2026-01-15", first: 3) { totalCount nodes { id } } }
      tu: account(provider: TUPAY) { transactions(from: "2026-01-10", to: "2026-01-15") { totalCount } }
    }`);
    gw().clearLogs();
    expect(body.data.tp.transactions.nodes).toHaveLength(3);
    expect(body.data.tu).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['tu', 'transactions']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TUPAY' });
  });
});

describe('a provider refusing (4xx / status "error")', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('TelePagos "status: error" is PROVIDER_ERROR with the provider message', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'error-body', message: 'Cuenta suspendida', times: 1 });
    const { body } = await gw().query('{ account(provider: TELEPAGOS) { provider balance { amount } } }');
    expect(body.data.account).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['account', 'balance']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'TELEPAGOS', providerMessage: 'Cuenta suspendida' });
    // A refusal is not retried.
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/balance')).toBe(1);
  });

  it('a Tupay 400 is PROVIDER_ERROR with its description; the other account stays', async () => {
    gw().sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'error-body', status: 400, message: 'Merchant disabled', times: 1 });
    const { body } = await gw().query('{ accounts { provider } }');
    expect(body.data.accounts).toEqual([{ provider: 'TELEPAGOS' }]);
    expect(body.errors![0]!.path).toEqual(['accounts']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'TUPAY', providerMessage: 'Merchant disabled' });
  });

  it('statistics refused by TelePagos (403) is PROVIDER_ERROR at ["statistics"]', async () => {
    gw().sandboxes.telepagos.faults.add({
      route: 'GET /v2/whitelabel/statics/:period',
      mode: 'error-body',
      status: 403,
      message: 'Not a white-label user',
      times: 1,
    });
    const { body } = await gw().query('{ statistics(period: "2026-01") { period } salePoints { id } }');
    expect(body.data.statistics).toBeNull();
    expect(body.data.salePoints.length).toBeGreaterThan(0);
    expect(body.errors![0]!.path).toEqual(['statistics']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'TELEPAGOS', providerMessage: 'Not a white-label user' });
  });
});

describe('an unconfigured provider', () => {
  const gw = useTestGateway({ providers: ['telepagos'] });
  beforeEach(() => gw().clearLogs());

  it('accounts lists only TelePagos, without errors', async () => {
    const { body } = await gw().query('{ accounts { provider } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.accounts).toEqual([{ provider: 'TELEPAGOS' }]);
  });

  it('account(provider: TUPAY) and payment answer PROVIDER_NOT_CONFIGURED; TelePagos fields still work', async () => {
    const { body } = await gw().query(`{
      tupay: account(provider: TUPAY) { provider }
      payment(id: "VAR-4fd4ed0b-b2f8-48f2-9b2c-bd3487106c41") { id }
      telepagos: account(provider: TELEPAGOS) { balance { currency } }
      salePoints { name }
    }`);
    expect(body.data.tupay).toBeNull();
    expect(body.data.payment).toBeNull();
    expect(body.data.telepagos).toEqual({ balance: { currency: 'ARS' } });
    expect(body.data.salePoints.length).toBeGreaterThan(0);
    const byPath = Object.fromEntries((body.errors ?? []).map((e) => [e.path!.join('.'), e.extensions]));
    expect(Object.keys(byPath).sort()).toEqual(['payment', 'tupay']);
    expect(byPath.tupay).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', provider: 'TUPAY' });
    expect(byPath.payment).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', provider: 'TALO' });
    expect(upstreamCalls(gw()).filter((r) => !r.route.startsWith('GET /v2/'))).toEqual([]);
  });

  it('node of an unconfigured provider answers null', async () => {
    const { body } = await gw().query('query($id: ID!) { node(id: $id) { id } }', { id: globalId('Account', 'TUPAY', 'TUPAY') });
    expect(body.errors).toBeUndefined();
    expect(body.data.node).toBeNull();
  });
});

describe('bad input is refused with BAD_USER_INPUT before any upstream call', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  const TX = `query($provider: Provider!, $from: LocalDate!, $to: LocalDate!, $first: Int, $after: String) {
    account(provider: $provider) { transactions(from: $from, to: $to, first: $first, after: $after) { totalCount } }
  }`;

  /** Refused before any upstream call with `code`: BAD_USER_INPUT for values, GRAPHQL_VALIDATION_FAILED for a literal the schema refuses. */
  async function refused(query: string, variables?: Record<string, unknown>, code = 'BAD_USER_INPUT') {
    const { body } = await gw().query(query, variables);
    expect(body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
    expect(body.errors!.map((e) => e.extensions?.code)).toEqual(body.errors!.map(() => code));
    expect(upstreamCalls(gw())).toEqual([]);
    return body;
  }

  for (const provider of ['TELEPAGOS', 'TUPAY']) {
    it(`${provider} transactions: from after to`, async () => {
      const body = await refused(TX, { provider, from: '2026-01-10', to: '2026-01-01' });
      expect(body.data?.account ?? null).toBeNull();
      expect(body.errors![0]!.path).toEqual(['account', 'transactions']);
    });

    it(`${provider} transactions: a range over 366 days`, async () => {
      await refused(TX, { provider, from: '2025-01-01', to: '2026-01-02' });
    });

    it(`${provider} transactions: first 0, first 101, negative first`, async () => {
      for (const first of [0, 101, -1]) {
        gw().clearLogs();
        await refused(TX, { provider, from: '2026-01-01', to: '2026-01-10', first });
      }
    });

    it(`${provider} transactions: a malformed after cursor`, async () => {
      for (const after of ['not a cursor', 'Zm9v', '']) {
        gw().clearLogs();
        const body = await refused(TX, { provider, from: '2026-01-01', to: '2026-01-10', after: after || '!!' });
        expect(body.errors![0]!.message).toMatch(/after/);
      }
    });
  }

  it('366 days exactly is accepted (the limit is inclusive)', async () => {
    const { body } = await gw().query(TX, { provider: 'TELEPAGOS', from: '2025-01-15', to: '2026-01-15', first: 1 });
    expect(body.errors).toBeUndefined();
    expect(body.data.account.transactions.totalCount).toBeGreaterThan(0);
  });

  it('balanceReport: from after to, and over 366 days', async () => {
    await refused('{ account(provider: TUPAY) { balanceReport(from: "2026-01-10", to: "2026-01-01") { date } } }');
    await refused('{ account(provider: TUPAY) { balanceReport(from: "2024-01-01", to: "2026-01-01") { date } } }');
  });

  it('statistics: a period that cannot be one (other forms go to TelePagos: documented-leniency.test.ts)', async () => {
    for (const period of ['2026-13', '2026-02-30', '', ' 2026-01', '..', '2026-01?x', 'p'.repeat(33)]) {
      gw().clearLogs();
      const body = await refused('query($p: String!) { statistics(period: $p) { period } }', { p: period });
      expect(body.errors![0]!.path).toEqual(['statistics']);
    }
  });

  it('malformed LocalDate, in variables and inline', async () => {
    for (const from of ['2026-02-30', '15/01/2026', '2026-1-5', 'yesterday']) {
      gw().clearLogs();
      await refused(TX, { provider: 'TELEPAGOS', from, to: '2026-03-01' });
    }
    await refused(
      '{ account(provider: TELEPAGOS) { transactions(from: "2026-13-01", to: "2026-01-02") { totalCount } } }',
      undefined,
      'GRAPHQL_VALIDATION_FAILED',
    );
    await refused('{ account(provider: TUPAY) { balanceReport(from: "2026-01-01", to: 20260102) { date } } }', undefined, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('an unknown enum value in the filter', async () => {
    await refused(
      '{ account(provider: TUPAY) { transactions(from: "2026-01-01", to: "2026-01-02", filter: { kinds: [REFUND] }) { totalCount } } }',
      undefined,
      'GRAPHQL_VALIDATION_FAILED',
    );
  });
});
