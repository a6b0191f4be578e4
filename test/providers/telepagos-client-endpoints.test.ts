/**
 * Every endpoint of the TelePagos client over real HTTP against the sandbox, with values checked against
 * the sandbox's own state (balance, ledger, records), not just shapes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumDecimals } from '../../src/domain/money.js';
import type { Transaction } from '../../src/domain/models.js';
import { CONCEPTS, OPERATIONS } from '../../src/providers/telepagos/assumptions.js';
import type { TelepagosClient } from '../../src/providers/telepagos/client.js';
import { readTxRows, toTransactions } from '../../src/providers/telepagos/mappers.js';
import { FIXTURE_ACCOUNTS, FIXTURE_SALE_POINTS, TELEPAGOS_WIRE_FACTS } from '../../src/sandbox/telepagos/index.js';
import { call } from '../helpers/http.js';
import { NOW, ROUTES, TODAY, control, failure, fault, logged, randomSecret, startHarness, summary, type Harness } from './telepagos-support.js';
import { telepagosRefusalReason } from '../helpers/variant.js';

const { demo, supplier, person } = FIXTURE_ACCOUNTS;
let h: Harness;
let client: TelepagosClient;

beforeAll(async () => {
  h = await startHarness();
  client = h.client();
});
afterAll(async () => {
  await h.close();
});

const withoutId = ({ id: _id, ...rest }: Transaction) => rest;
const today = (operation?: string) => client.transactions({ from: TODAY, to: TODAY, operation });

describe('account', () => {
  it('reads the balance in whole ARS pesos, as the sandbox holds it', async () => {
    const balance = await client.balance();
    const { balance_cents } = await summary(h.sandbox);
    expect(balance).toEqual({ total: { amount: `${Math.trunc(balance_cents / 100)}.00`, currency: 'ARS' }, primary: true });
  });

  it('lists the payment concepts and the transaction operations', async () => {
    expect(await client.concepts()).toEqual(CONCEPTS.map(({ id, description }) => ({ id, description })));
    expect(await client.operations()).toEqual(OPERATIONS.map(({ id, name, type }) => ({ id, name, type })));
  });

  it('reads the monthly statistics, whose totals match the approved movements of the month', async () => {
    const stats = await client.statistics('2025-06');
    const month = await client.transactions({ from: '2025-06-01', to: '2025-06-30' });
    const approved = (direction: 'IN' | 'OUT') =>
      sumDecimals(month.filter((t) => t.direction === direction && t.status === 'COMPLETED').map((t) => t.amount.amount));
    expect(stats.period).toBe('2025-06');
    expect(stats.totalCashin).toBe(approved('IN'));
    expect(stats.totalCashout).toBe(approved('OUT'));
    expect(stats.paymentServicesCount).toBe(month.filter((t) => t.operation === 'service_payment' && t.status === 'COMPLETED').length);
    expect(stats.openCvuCount).toBeGreaterThanOrEqual(0);
    expect(stats.smsSentCount).toBeGreaterThanOrEqual(0);
  });

  it('reads a period without movements as null totals and zero counts', async () => {
    expect(await client.statistics('2020-01')).toEqual({
      period: '2020-01',
      openCvuCount: 0,
      totalCashin: undefined,
      totalCashout: undefined,
      paymentServicesCount: 0,
      smsSentCount: 0,
    });
  });
});

describe('transactions', () => {
  const range = { from: '2025-05-10', to: TODAY };

  it('walks every page once and gives the same rows, in the same order, as the unpaginated listing', async () => {
    h.sandbox.log.clear();
    const listed = await client.transactions(range);

    const pages = logged(h.sandbox, ROUTES.transactions);
    const { pages: pageCount } = await client.transactionsPage({ ...range, page: 1 });
    expect(pageCount).toBeGreaterThan(5);
    expect(pages.every((r) => r.query.paginate === '1')).toBe(true);
    expect(pages.map((r) => Number(r.query.page)).sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, i) => i + 1));

    // The same rows read raw, without pagination, through the same mapper.
    const token = h.sandbox.tokens.all()[0]!;
    const raw = await call(h.sandbox.url, 'GET', '/v2/account/transactions', {
      query: { date_from: range.from, date_to: range.to },
      headers: { authorization: `Bearer ${token}` },
    });
    const unpaginated = toTransactions(readTxRows(raw.body.transactions, { endpoint: 'test' }).rows);
    expect(listed).toEqual(unpaginated);
    expect(new Set(listed.map((t) => t.id)).size).toBe(listed.length);
  });

  it('maps rows to domain transactions: kind, direction, exact amount, Argentina time, counterparty', async () => {
    const listed = await client.transactions(range);
    for (const t of listed) {
      expect(t.provider).toBe('TELEPAGOS');
      expect(t.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/);
      expect(t.amount.amount).toMatch(/^\d+\.\d{2}$/);
      if (t.kind === 'CASHOUT') expect(t.direction).toBe('OUT');
      if (t.kind === 'DEPOSIT') expect(t.direction).toBe('IN');
      if (t.operation === 'cashin') expect([t.kind, t.direction]).toEqual(['TRANSFER', 'IN']);
      expect(['COMPLETED', 'PENDING', 'REJECTED']).toContain(t.status);
      // Service payments name the company but no account: an empty cvu_cbu reads as absent.
      if (t.operation === 'service_payment') expect(t.counterparty?.cbu).toBeUndefined();
      else expect(t.counterparty?.cbu).toMatch(/^\d{22}$/);
      expect(t.counterparty?.cuit).toMatch(/^\d{11}$/);
      expect(t.salePointName === undefined || t.salePointName.length > 0).toBe(true);
    }
    expect(new Set(listed.map((t) => t.kind))).toEqual(new Set(['CASHOUT', 'DEPOSIT', 'TRANSFER']));
    expect(listed.some((t) => t.salePointName !== undefined)).toBe(true);
  });

  it('reads one page with its counts; its rows are that slice of the listing', async () => {
    const listed = await client.transactions(range);
    const page = await client.transactionsPage({ ...range, page: 2 });
    expect(page.page).toBe(2);
    expect(page.total).toBe(listed.length);
    expect(page.pages).toBe(Math.ceil(listed.length / page.pageSize));
    expect(page.transactions.map(withoutId)).toEqual(listed.slice(page.pageSize, 2 * page.pageSize).map(withoutId));
  });

  it('filters by operation', async () => {
    const all = await client.transactions(range);
    const qr = await client.transactions({ ...range, operation: 'qr_payment' });
    expect(qr.length).toBeGreaterThan(0);
    expect(qr).toEqual(all.filter((t) => t.operation === 'qr_payment'));
    expect(qr.every((t) => t.kind === 'DEPOSIT' && t.direction === 'IN')).toBe(true);
  });

  it('fetches at most pageConcurrency pages at once', async () => {
    const proxy = await startCountingProxy(h.sandbox.url, '/v2/account/transactions');
    try {
      await fault(h.sandbox, { route: ROUTES.transactions, mode: 'latency', latencyMs: 30 });
      const limited = h.client({ baseUrl: proxy.url, pageConcurrency: 2 });
      const listed = await limited.transactions(range);
      expect(listed.length).toBeGreaterThan(60);
      expect(proxy.maxInFlight).toBe(2);
    } finally {
      await call(h.sandbox.url, 'DELETE', '/_sandbox/faults');
      await proxy.close();
    }
  });
});

describe('transfers out', () => {
  it('sends a cash-out to an alias: the balance moves by exactly its amount and the transfer is listed', async () => {
    const before = await client.balance();
    const referenceId = `ref-${randomSecret()}`;
    const cashout = await client.createCashout({
      alias: demo.alias,
      cuit: demo.cuit,
      amount: '1500.00',
      referenceId,
      concept: 'VAR',
      description: 'Pago de prueba',
    });
    expect(cashout).toEqual({ provider: 'TELEPAGOS', id: expect.stringMatching(/^\d+$/) });

    const after = await client.balance();
    expect(sumDecimals([after.total.amount, '1500.00'])).toBe(before.total.amount);

    const sent = (await today('cashout')).filter((t) => t.amount.amount === '1500.00' && t.counterparty?.cuit === demo.cuit);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'CASHOUT',
      direction: 'OUT',
      status: 'COMPLETED',
      providerStatus: 'Aprobada',
      counterparty: { name: demo.holder, cuit: demo.cuit, cbu: demo.cbu },
      salePointName: undefined,
    });
    expect(sent[0]!.createdAt.startsWith(`${TODAY}T`)).toBe(true);

    const pdf = Buffer.from(await client.cashoutVoucher(cashout.id), 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(`Referencia: ${referenceId}`);
  });

  it('sends a cash-out to a CBU with cents, kept exact', async () => {
    const before = (await summary(h.sandbox)).balance_cents;
    await client.createCashout({
      cbu: supplier.cbu,
      cuit: supplier.cuit,
      amount: '10.05',
      referenceId: `ref-${randomSecret()}`,
      concept: 'FAC',
      description: 'Factura',
    });
    expect((await summary(h.sandbox)).balance_cents).toBe(before - 1005);
    const sent = (await today('cashout')).filter((t) => t.counterparty?.cbu === supplier.cbu && t.amount.amount === '10.05');
    expect(sent).toHaveLength(1);
  });

  it('sees a transfer the bank rejects later as REJECTED, with the same id', async () => {
    const cashout = await client.createCashout({
      alias: demo.alias,
      cuit: demo.cuit,
      amount: '77.00',
      referenceId: `ref-${randomSecret()}`,
      concept: 'VAR',
      description: 'x',
    });
    const find = async () => (await today('cashout')).filter((t) => t.amount.amount === '77.00');
    const [approved] = await find();
    await control(h.sandbox, 'POST', `/_sandbox/cashouts/${cashout.id}/reject`);
    const [rejected] = await find();
    expect(rejected).toMatchObject({ id: approved!.id, status: 'REJECTED', providerStatus: 'Rechazada' });
  });
});

describe('collecting', () => {
  it('creates a dynamic QR charge, and reads the cash-in once a buyer pays it', async () => {
    const qr = await client.createQrCharge({ amount: '1234.50', concept: 'VAR', description: 'Mesa 4' });
    expect(qr.qrCode.startsWith('000201')).toBe(true);
    expect(qr.qrCode).toContain('1234.50');
    expect(qr.qrOrderId).toMatch(/^\d+$/);

    const paid = await control(h.sandbox, 'POST', `/_sandbox/qr-orders/${qr.qrOrderId}/pay`, { buyer: { cuit: demo.cuit, cvu: demo.cbu } });
    const cashin = await client.cashin(String(paid.cashin_id));
    expect(cashin).toEqual({
      provider: 'TELEPAGOS',
      id: String(paid.cashin_id),
      amount: { amount: '1234.50', currency: 'ARS' },
      concept: 'VAR',
      description: 'Mesa 4',
      buyer: { cuit: demo.cuit, cbu: demo.cbu },
      transactionId: String(paid.transaction_id),
      qrOrderId: qr.qrOrderId,
      linkId: undefined,
    });
    const received = (await today('qr_payment')).filter((t) => t.amount.amount === '1234.50');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ kind: 'DEPOSIT', direction: 'IN', counterparty: { cuit: demo.cuit, cbu: demo.cbu } });
  });

  it('creates a transfer link for a payer', async () => {
    const before = await summary(h.sandbox);
    const link = await client.createTransferLink({ cbu: demo.cbu, cuit: demo.cuit, amount: '300.00', concept: 'VAR', description: 'Cuota' });
    expect(link.paymentLink).toMatch(/^https:\/\//);
    expect((await summary(h.sandbox)).transfer_links).toBe(before.transfer_links + 1);
  });

  it('creates a payment link with a distribution and an Argentina-time expiry, and reads what it collects', async () => {
    const expiresAt = new Date(NOW.getTime() + 24 * 3600_000);
    const link = await client.createPaymentLink({
      amount: '1000.00',
      concept: 'VAR',
      expiresAt,
      multipleUse: true,
      distribution: [
        { cbu: person.cbu, amount: '600.00' },
        { cbu: supplier.cbu, amount: '400.00' },
      ],
    });
    expect(link.url).toMatch(/^https:\/\//);
    const stored = h.sandbox.state.paymentLinks.get(Number(link.id))!;
    expect(stored).toMatchObject({
      amountCents: 100_000,
      multipleUse: true,
      expiresAtMs: expiresAt.getTime(),
      distribution: [
        { cvu: person.cbu, amountCents: 60_000 },
        { cvu: supplier.cbu, amountCents: 40_000 },
      ],
    });
    const [sent] = logged(h.sandbox, 'POST /v2/payment/cashin/link/generate').slice(-1);
    expect((sent?.body as { expiration_date: string }).expiration_date).toBe('2025-06-16 12:00:00');

    const paid = await control(h.sandbox, 'POST', `/_sandbox/payment-links/${link.id}/pay`);
    const cashin = await client.cashin(String(paid.cashin_id));
    expect(cashin).toMatchObject({ linkId: link.id, qrOrderId: undefined, amount: { amount: '1000.00' }, buyer: { cuit: person.cuit, cbu: person.cbu } });
  });

  it('accepts the expiry as an ISO string', async () => {
    const link = await client.createPaymentLink({ amount: '50', concept: 'VAR', expiresAt: '2025-06-20T03:00:00Z', multipleUse: false });
    expect(h.sandbox.state.paymentLinks.get(Number(link.id))?.expiresAtMs).toBe(Date.parse('2025-06-20T03:00:00Z'));
  });
});

describe('sale points', () => {
  it('lists the seeded sale points with string ids', async () => {
    const listed = await client.salePoints();
    expect(listed.slice(0, FIXTURE_SALE_POINTS.length)).toEqual(FIXTURE_SALE_POINTS.map(({ id, name, status }) => ({ id: String(id), name, status })));
  });

  it('creates a sale point, serves its open and closed static QRs, takes an order, and deletes it', async () => {
    const name = `Kiosco ${randomSecret().slice(0, 8)}`;
    const { id } = await client.createSalePoint(name);
    expect(await client.salePoints()).toContainEqual({ id, name, status: 'active' });

    const open = await client.staticQr(id, 'OPEN');
    const closed = await client.staticQr(id, 'CLOSED');
    for (const qr of [open, closed]) expect(qr.startsWith('000201')).toBe(true);
    expect(open).not.toBe(closed);

    const order = await client.createSalePointQrOrder({ salePointId: id, amount: '450.00', concept: 'VAR', description: 'Cafe' });
    const paid = await control(h.sandbox, 'POST', `/_sandbox/qr-orders/${order.qrOrderId}/pay`);
    expect((await client.cashin(String(paid.cashin_id))).qrOrderId).toBe(order.qrOrderId);
    const [row] = (await today('qr_payment')).filter((t) => t.salePointName === name);
    expect(row).toMatchObject({ amount: { amount: '450.00' }, kind: 'DEPOSIT' });

    await client.deleteSalePoint(id);
    expect((await client.salePoints()).map((s) => s.id)).not.toContain(id);
    const again = await failure(client.deleteSalePoint(id));
    expect([again.code, again.reason, again.endpoint]).toEqual(['PROVIDER_ERROR', 'NOT_FOUND', 'DELETE v2/payment/cashin/qr/sale-point']);
  });

  it('refuses an order for an inactive sale point with the provider message', async () => {
    const error = await failure(client.createSalePointQrOrder({ salePointId: '3', amount: '10.00', concept: 'VAR', description: 'x' }));
    expect([error.reason, error.providerMessage]).toEqual([
      telepagosRefusalReason('INVALID_INPUT', 422, TELEPAGOS_WIRE_FACTS),
      'The sale point 3 is inactive.',
    ]);
  });
});

/** A pass-through HTTP proxy that records the most requests in flight at once under a path prefix. */
async function startCountingProxy(target: string, prefix: string): Promise<{ url: string; maxInFlight: number; close(): Promise<void> }> {
  const state = { inFlight: 0, maxInFlight: 0 };
  const server: Server = createServer(async (req, res) => {
    const counted = req.url?.startsWith(prefix) ?? false;
    if (counted) state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection')) as Record<string, string>;
      const upstream = await request(`${target}${req.url}`, { method: req.method as 'GET', headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await upstream.body.arrayBuffer());
      res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
      res.end(body);
    } finally {
      if (counted) state.inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
