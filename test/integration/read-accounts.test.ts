/**
 * Query.accounts / Query.account over HTTP: balances and the Tupay balance report, compared with what the
 * sandboxes themselves answer to a raw client (test/helpers/http.ts), never with the gateway's own client.
 */
import Big from 'big.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

/** The gateway's Decimal form: the provider's number, exact, with at least two decimals. */
const decimal = (value: number | string): string => {
  const plain = new Big(String(value)).toFixed();
  return plain.includes('.') && plain.length - plain.indexOf('.') - 1 >= 2 ? plain : new Big(plain).toFixed(2);
};

const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');

describe('accounts and account over HTTP', () => {
  const gw = useTestGateway();

  async function telepagosBalance(): Promise<number> {
    const base = gw().sandboxes.telepagos.url;
    const { username, password } = SANDBOX_CREDENTIALS.telepagos;
    const token = (await call(base, 'POST', 'v2/auth/token', { body: { username, password } })).body.token as string;
    const answer = await call(base, 'GET', 'v2/account/balance', { headers: { authorization: `Bearer ${token}` } });
    return answer.body.amount as number;
  }

  async function tupayCookie(): Promise<string> {
    const { accessKey, secretKey } = SANDBOX_CREDENTIALS.tupay;
    const login = await call(gw().sandboxes.tupay.url, 'POST', 'v1/auth/login', { body: { accessKey, secretKey } });
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? [])[0]!;
    return cookie.split(';')[0]!;
  }

  async function tupayGet(path: string, query?: Record<string, number>): Promise<any> {
    const answer = await call(gw().sandboxes.tupay.url, 'GET', path, { query, headers: { cookie: await tupayCookie() } });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  beforeEach(() => gw().clearLogs());

  it('lists one account per balance-keeping provider, with exact balances from each sandbox', async () => {
    const { body } = await gw().query(`{
      accounts { __typename id provider balance { amount currency } balances { amount currency } }
    }`);
    expect(body.errors).toBeUndefined();
    const [telepagos, tupay] = body.data.accounts;
    expect(body.data.accounts).toHaveLength(2);

    expect(telepagos).toMatchObject({ __typename: 'Account', id: globalId('Account', 'TELEPAGOS', 'TELEPAGOS'), provider: 'TELEPAGOS' });
    const pesos = await telepagosBalance();
    expect(telepagos.balance).toEqual({ amount: decimal(pesos), currency: 'ARS' });
    expect(telepagos.balances).toEqual([{ amount: decimal(pesos), currency: 'ARS' }]);

    expect(tupay).toMatchObject({ id: globalId('Account', 'TUPAY', 'TUPAY'), provider: 'TUPAY' });
    const wire = (await tupayGet('v1/balance')).balances as { currency: string; type: string; data: { totalBalance: number } }[];
    const expected = wire.map((b) => ({ amount: decimal(b.data.totalBalance), currency: b.currency }));
    expect(tupay.balances).toEqual(expected);
    // The primary balance is the PRIMARY one in Tupay's home currency, PEN.
    expect(tupay.balance).toEqual(expected.find((m) => m.currency === 'PEN'));
  });

  it('asks each provider for its balance once per request, however many fields and aliases need it', async () => {
    const { body } = await gw().query(`{
      accounts { balance { amount } balances { amount } }
      a: account(provider: TELEPAGOS) { balance { amount } }
      b: account(provider: TELEPAGOS) { balances { amount } }
      c: account(provider: TUPAY) { balance { amount } balances { currency } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/balance')).toBe(1);
    expect(gw().sandboxes.tupay.log.count('GET /v1/balance')).toBe(1);
  });

  it('account(provider:) answers the same account as accounts, and null for Talo (it keeps no balance)', async () => {
    const { body } = await gw().query(`{
      tp: account(provider: TELEPAGOS) { id provider balance { amount currency } }
      tu: account(provider: TUPAY) { id provider balance { currency } }
      talo: account(provider: TALO) { id }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.tp).toEqual({
      id: globalId('Account', 'TELEPAGOS', 'TELEPAGOS'),
      provider: 'TELEPAGOS',
      balance: { amount: decimal(await telepagosBalance()), currency: 'ARS' },
    });
    expect(body.data.tu).toEqual({ id: globalId('Account', 'TUPAY', 'TUPAY'), provider: 'TUPAY', balance: { currency: 'PEN' } });
    expect(body.data.talo).toBeNull();
  });

  it('Tupay balanceReport: one row per asked day and currency, values as the sandbox reports them', async () => {
    const from = '2025-12-20';
    const to = '2026-01-10';
    const { body } = await gw().query(
      `query($from: LocalDate!, $to: LocalDate!) { account(provider: TUPAY) { balanceReport(from: $from, to: $to) { date balance { amount currency } } } }`,
      { from, to },
    );
    expect(body.errors).toBeUndefined();
    const rows = body.data.account.balanceReport as { date: string; balance: { amount: string; currency: string } }[];

    const fromSec = Date.parse(`${from}T00:00:00Z`) / 1000;
    const toSec = Date.parse(`${to}T23:59:59Z`) / 1000;
    const wire: { date: string; currency: string; totalBalance: number }[] = [];
    for (let page = 0; ; page++) {
      const answer = await tupayGet('v1/balance/report', { from: fromSec, to: toSec, page });
      wire.push(...answer.data);
      if (answer.rows < answer.maxRows) break;
    }
    const expected = wire
      .map((r) => ({ date: r.date.slice(0, 10), balance: { amount: decimal(r.totalBalance), currency: r.currency } }))
      .sort((a, b) => a.date.localeCompare(b.date) || a.balance.currency.localeCompare(b.balance.currency));
    expect(expected).toHaveLength(22 * 2);
    expect(rows).toEqual(expected);
  });

  it('Tupay balanceReport over more than 60 days keeps only the asked days, each once', async () => {
    const from = '2025-10-01';
    const to = '2026-01-05';
    const { body } = await gw().query(
      `query($from: LocalDate!, $to: LocalDate!) { account(provider: TUPAY) { balanceReport(from: $from, to: $to) { date balance { currency } } } }`,
      { from, to },
    );
    expect(body.errors).toBeUndefined();
    const rows = body.data.account.balanceReport as { date: string; balance: { currency: string } }[];
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    expect(rows).toHaveLength(days * 2);
    expect(new Set(rows.map((r) => `${r.date}:${r.balance.currency}`)).size).toBe(rows.length);
    expect(rows[0]!.date).toBe(from);
    expect(rows.at(-1)!.date).toBe(to);
    expect(rows.every((r) => r.date >= from && r.date <= to)).toBe(true);
    // More than one 60-day window was asked for.
    expect(gw().sandboxes.tupay.log.count('GET /v1/balance/report')).toBeGreaterThan(1);
  });

  it('TelePagos has no balance report: an empty list, and no upstream call for it', async () => {
    const { body } = await gw().query('{ account(provider: TELEPAGOS) { balanceReport(from: "2026-01-01", to: "2026-01-10") { date } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.account.balanceReport).toEqual([]);
    expect(
      gw()
        .sandboxes.telepagos.log.list()
        .filter((r) => r.route !== 'POST /v2/auth/token'),
    ).toEqual([]);
  });
});
