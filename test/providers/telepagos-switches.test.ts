/**
 * TelePagos guesses and their switches (docs/providers.md, "Every guess, and what changes it"), over
 * HTTP against the sandbox playing each answer: the listing's order (TELEPAGOS_TRANSACTIONS_ORDER) and
 * the balance's unit (TELEPAGOS_BALANCE_UNIT), each shown wrong when mismatched and right when matched;
 * decimal amounts and the cash-out id, which have no switch because they are read both ways.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TELEPAGOS_WIRE_CHOICES, type BalanceUnit, type TransactionsOrder } from '../../src/providers/telepagos/assumptions.js';
import { TelepagosAdapter } from '../../src/providers/telepagos/adapter.js';
import type { WireSurprise } from '../../src/providers/wire.js';
import type { Transaction } from '../../src/domain/models.js';
import { FIXTURE_ACCOUNTS } from '../../src/sandbox/telepagos/index.js';
import { sandboxVariantFromEnv } from '../../src/sandbox/variant.js';
import { call } from '../helpers/http.js';
import { ROUTES, control, startHarness, summary, type Harness } from './telepagos-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await control(h.sandbox, 'PUT', '/_sandbox/wire', { transactionsOrder: 'newest-first', balanceUnit: 'pesos' });
  await control(h.sandbox, 'PUT', '/_sandbox/variant', { variant: sandboxVariantFromEnv() });
  await h.closeClients();
  h.sandbox.log.clear();
});

const play = (wire: { transactionsOrder?: TransactionsOrder; balanceUnit?: BalanceUnit }) => control(h.sandbox, 'PUT', '/_sandbox/wire', wire);

describe('the sandbox plays each wire choice', () => {
  it('knows the choices and refuses an unknown answer', async () => {
    const known = await control<{ wire: Record<string, string>; known: Record<string, string[]> }>(h.sandbox, 'GET', '/_sandbox/wire');
    expect(known.known).toEqual(TELEPAGOS_WIRE_CHOICES);
    expect(known.wire).toEqual({ transactionsOrder: 'newest-first', balanceUnit: 'pesos' });
    expect((await call(h.sandbox.url, 'PUT', '/_sandbox/wire', { body: { balanceUnit: 'dollars' } })).status).toBe(400);
  });
});

describe('listing order (TELEPAGOS_TRANSACTIONS_ORDER)', () => {
  const query = { from: '2025-05-16', to: '2025-06-15' };
  const COUNT = 20;
  /** The instants of the range's newest COUNT rows, from the whole listing (read in any order). */
  const newestInstants = (all: readonly Transaction[]) =>
    all
      .map((t) => Date.parse(t.createdAt))
      .sort((a, b) => b - a)
      .slice(0, COUNT);
  const instants = (rows: readonly Transaction[]) => rows.map((t) => Date.parse(t.createdAt));

  it('newest first against a provider listing newest first: page 1 and 2 hold the newest rows', async () => {
    const client = h.client();
    const all = await client.transactions(query);
    expect(all.length).toBeGreaterThan(4 * COUNT);
    h.sandbox.log.clear();
    const newest = await client.newestTransactions(query, COUNT);
    expect(instants(newest.transactions)).toEqual(newestInstants(all));
    expect(newest.total).toBe(all.length);
    expect(h.sandbox.log.count(ROUTES.transactions)).toBe(2);
    expect(new TelepagosAdapter(client).transactions.walk).toBeDefined();
  });

  it('newest first against a provider listing oldest first: the shortcut answers the oldest rows', async () => {
    await play({ transactionsOrder: 'oldest-first' });
    const client = h.client();
    const all = await client.transactions(query);
    const newest = await client.newestTransactions(query, COUNT);
    expect(Math.max(...instants(newest.transactions))).toBeLessThan(Math.min(...newestInstants(all)));
  });

  it('oldest first against a provider listing oldest first: the newest rows, from the whole listing, and no page walk', async () => {
    await play({ transactionsOrder: 'oldest-first' });
    const page1 = await h.client().transactionsPage({ ...query, page: 1 });
    // The sandbox really plays it: page 1 starts at the range's oldest row.
    expect(instants(page1.transactions)).toEqual([...instants(page1.transactions)].sort((a, b) => a - b));
    const client = h.client({ transactionsOrder: 'oldest-first' });
    const all = await client.transactions(query);
    h.sandbox.log.clear();
    const newest = await client.newestTransactions(query, COUNT);
    expect(instants(newest.transactions)).toEqual(newestInstants(all));
    expect(newest.total).toBe(all.length);
    expect(h.sandbox.log.count(ROUTES.transactions)).toBe(Math.ceil(all.length / 15));
    const adapter = new TelepagosAdapter(client);
    expect(adapter.transactions.newestTransactions).toBeUndefined();
    expect(adapter.transactions.walk).toBeUndefined();
  });
});

describe('page size: `pagination` read both ways (TRANSACTIONS_PAGE_SIZE_FIELD)', () => {
  const query = { from: '2025-05-16', to: '2025-06-15' };

  it('when `pagination` holds something else, the rows of a full page are the page size: the same newest rows, the field told', async () => {
    const expected = await h.client().newestTransactions(query, 40);
    h.sandbox.answerRewrites.set(ROUTES.transactions, (body) => ({ ...(body as object), pagination: 1 }));
    try {
      const surprises: WireSurprise[] = [];
      h.sandbox.log.clear();
      const newest = await h.client({ onWireSurprise: (s) => surprises.push(s) }).newestTransactions(query, 40);
      expect(newest).toEqual(expected);
      // 40 rows of 15 a page: three pages, as with the documented field (not 40 pages of one).
      expect(h.sandbox.log.count(ROUTES.transactions)).toBe(3);
      expect(surprises.some((s) => s.field === 'pagination' && s.detail === 'not the page size')).toBe(true);
    } finally {
      h.sandbox.answerRewrites.delete(ROUTES.transactions);
    }
  });
});

describe('balance unit (TELEPAGOS_BALANCE_UNIT)', () => {
  const pesos = (cents: number) => `${Math.trunc(cents / 100)}.00`;
  const exact = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

  it('pesos against a provider answering whole pesos: the balance, cents truncated', async () => {
    const { balance_cents } = await summary(h.sandbox);
    expect((await h.client().balance()).total.amount).toBe(pesos(balance_cents));
  });

  it('pesos against a provider answering cents: a hundred times the balance', async () => {
    await play({ balanceUnit: 'cents' });
    const { balance_cents } = await summary(h.sandbox);
    expect((await h.client().balance()).total.amount).toBe(`${balance_cents}.00`);
  });

  it('cents against a provider answering cents: the exact balance', async () => {
    await play({ balanceUnit: 'cents' });
    const { balance_cents } = await summary(h.sandbox);
    expect(balance_cents % 100).not.toBe(0); // the seeded balance has cents, so truncation would show
    expect((await h.client({ balanceUnit: 'cents' }).balance()).total.amount).toBe(exact(balance_cents));
  });
});

describe('read both ways, no switch: decimal amounts (DECIMAL_WIRE_FORMAT) and the cash-out id (CASHOUT_ID_WIRE_TYPE)', () => {
  const { demo } = FIXTURE_ACCOUNTS;
  const cashout = (referenceId: string) => ({ alias: demo.alias, cuit: demo.cuit, amount: '12.30', referenceId, concept: 'VAR', description: 'Prueba' });

  async function readWith(variant: 'documented' | 'alternate', reference: string) {
    await control(h.sandbox, 'PUT', '/_sandbox/variant', { variant });
    const surprises: WireSurprise[] = [];
    const client = h.client({ onWireSurprise: (s) => surprises.push(s) });
    const { id } = await client.createCashout(cashout(reference));
    const rows = await client.transactions({ from: '2025-06-14', to: '2025-06-15' });
    const coerced = (field: string) => surprises.filter((s) => s.kind === 'coerced_type' && s.field === field).map((s) => s.detail);
    return { id, rows, idForms: coerced('id'), amountForms: coerced('transactions[].amount') };
  }

  it('the documented forms are read without a surprise; the other forms give the same values, each counted', async () => {
    const documented = await readWith('documented', 'switch-doc-1');
    const alternate = await readWith('alternate', 'switch-alt-1');
    expect(documented.id).toMatch(/^\d+$/);
    expect(alternate.id).toMatch(/^\d+$/);
    expect(documented.idForms).toEqual([]);
    expect(alternate.idForms).toEqual(['string for number']);
    expect(documented.amountForms).toEqual([]);
    expect(alternate.amountForms.length).toBeGreaterThan(0);
    expect(new Set(alternate.amountForms)).toEqual(new Set(['number for string']));
    // The same rows, whatever the form (the second cash-out is one row more).
    const amounts = (rows: readonly Transaction[]) => rows.map((t) => `${t.createdAt} ${t.amount.amount}`).sort();
    expect(amounts(alternate.rows)).toEqual(expect.arrayContaining(amounts(documented.rows)));
    expect(alternate.rows.length).toBe(documented.rows.length + 1);
  });
});
