/**
 * Every documented field a client could use is served (issue 30), over HTTP against the sandboxes:
 * - a TelePagos cash-in's `transaction_id`, `qr_order_id` and `link_id`, on `cashin` and in the
 *   CASHIN_RECEIVED event, so a credit is matched to the QR order or the link that produced it;
 * - a Talo payment's status word, `motive`, `updatedAt` and `expiresAt`, and the `items` it is sent;
 * - Tupay's status word beside the normalized status (ON_HOLD and PENDING both read PENDING) with the
 *   record's `externalId` and `lastChangeDate`, the
 *   balance report's totals beside date and balance, and the `operation` filter (payment method XA or
 *   XAQR) sent to Tupay as `paymentMethod`.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { TALO_ITEM_FIELDS } from '../../src/providers/talo/assumptions.js';
import { TUPAY_PATHS } from '../../src/providers/tupay/assumptions.js';
import { webhookUrl } from '../../src/providers/webhook-url.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const QR_CHARGE = `mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { field message code } } }`;
const PAYMENT_LINK = `mutation($input: CreatePaymentLinkInput!) { createPaymentLink(input: $input) { paymentLink { id url } userErrors { field message code } } }`;
const CASHIN = `query($id: ID!) { cashin(id: $id) { id amount { amount } providerTransactionId qrOrderId linkId } }`;
const EVENTS = `query($after: String) { events(provider: TELEPAGOS, after: $after, first: 100) {
  nodes { type cashin { id providerTransactionId qrOrderId linkId amount { amount } } } pageInfo { endCursor }
} }`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id status providerStatus motive createdAt updatedAt expiresAt } userErrors { field message code } }
}`;
const PAYMENT = `query($id: ID!) { payment(id: $id) { id status providerStatus motive updatedAt expiresAt } }`;
const REPORT = `query($from: LocalDate!, $to: LocalDate!) { account(provider: TUPAY) { balanceReport(from: $from, to: $to) {
  date currency balance { amount currency } depositTotal { amount currency } cashoutTotal { amount currency } feeTotal { amount currency } netAmount { amount currency }
} } }`;
const TRANSACTIONS = `query($from: LocalDate!, $to: LocalDate!, $filter: TransactionFilter) { account(provider: TUPAY) {
  transactions(from: $from, to: $to, filter: $filter, first: 100) { nodes { id kind operation status providerStatus externalId updatedAt } pageInfo { hasNextPage } }
} }`;

const DAY = 86_400;
const cents = (amount: string | undefined) => Math.round(Number(amount ?? '0') * 100);
const globalId = (type: string, provider: string, localId: string | number) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');

function tokenUrl(gw: TestGateway): string {
  return webhookUrl(gw.url, 'TELEPAGOS', gw.config.providers.telepagos!.webhookSecret);
}

/** Every TelePagos event in the log, read over HTTP. */
async function telepagosEvents(gw: TestGateway) {
  const { body } = await gw.query(EVENTS, {});
  expect(body.errors).toBeUndefined();
  return body.data.events.nodes as { type: string; cashin: Record<string, unknown> | null }[];
}

describe('documented fields served', () => {
  const gw = useTestGateway({ publicUrlIsGateway: true, env: { MAX_OPERATION_AMOUNT: '100000' } });

  it('TelePagos cash-in paid by a QR order: cashin and CASHIN_RECEIVED carry its qrOrderId and transaction number', async () => {
    const { body } = await gw().query(QR_CHARGE, { input: { amount: '321.00', concept: 'VAR', description: 'Mesa 4' } });
    expect(body.data.createQrCharge.userErrors).toEqual([]);
    const qrOrderId = body.data.createQrCharge.qrOrderId as string;
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${qrOrderId}/pay`);
    expect(paid.status).toBe(201);
    const transactionNumber = String(paid.body.transaction_id);

    const read = await gw().query(CASHIN, { id: String(paid.body.cashin_id) });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.cashin).toEqual({
      id: globalId('Cashin', 'TELEPAGOS', paid.body.cashin_id),
      amount: { amount: '321.00' },
      providerTransactionId: transactionNumber,
      qrOrderId,
      linkId: null,
    });

    // Notified (unsigned, on the secret URL): the event a subscriber gets names the same QR order.
    const notified = await call(gw().url, 'POST', new URL(tokenUrl(gw())).pathname, { body: { cashin_id: paid.body.cashin_id } });
    expect(notified.body).toEqual({ received: true, outcome: 'published' });
    const cashinId = globalId('Cashin', 'TELEPAGOS', paid.body.cashin_id);
    const event = await waitFor('the CASHIN_RECEIVED event', async () => (await telepagosEvents(gw())).find((e) => e.cashin?.id === cashinId));
    expect(event).toEqual({
      type: 'CASHIN_RECEIVED',
      cashin: { id: cashinId, providerTransactionId: transactionNumber, qrOrderId, linkId: null, amount: { amount: '321.00' } },
    });
  });

  it('TelePagos cash-in paid through a payment link: cashin carries the PaymentLink.id createPaymentLink answered', async () => {
    const expiresAt = new Date(Date.now() + 3 * DAY * 1000).toISOString();
    const { body } = await gw().query(PAYMENT_LINK, { input: { amount: '150.00', concept: 'VAR', expiresAt, multipleUse: false } });
    expect(body.data.createPaymentLink.userErrors).toEqual([]);
    const linkId = body.data.createPaymentLink.paymentLink.id as string;
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/payment-links/${linkId}/pay`);
    expect(paid.status).toBe(201);
    const read = await gw().query(CASHIN, { id: String(paid.body.cashin_id) });
    expect(read.body.data.cashin).toMatchObject({ linkId, qrOrderId: null, providerTransactionId: String(paid.body.transaction_id) });
  });

  it('Talo payment: its status word, motive, updatedAt and expiresAt are served, as Talo holds them', async () => {
    const input = {
      price: { amount: '990.00', currency: 'ARS' },
      externalId: `fields-${process.pid}`,
      redirectUrl: 'https://shop.example/ok',
      motive: '3 tazas',
    };
    const { body } = await gw().query(CREATE_PAYMENT, { input });
    expect(body.data.createPayment.userErrors).toEqual([]);
    const created = body.data.createPayment.payment;
    const stored = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === input.externalId)!;
    expect(created).toMatchObject({
      status: 'PENDING',
      providerStatus: 'PENDING',
      motive: '3 tazas',
      updatedAt: new Date(stored.lastModifiedAt).toISOString(),
      expiresAt: new Date(stored.expiresAt).toISOString(),
    });

    // Talo's word moves with the payment: an underpayment reads UNDERPAID in both.
    const transfer = await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${stored.id}/transfers`, { body: { amount: '100.00' } });
    expect(transfer.status).toBeLessThan(300);
    const read = await gw().query(PAYMENT, { id: created.id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.payment).toMatchObject({
      providerStatus: stored.status,
      motive: '3 tazas',
      updatedAt: new Date(stored.lastModifiedAt).toISOString(),
    });
    expect(read.body.data.payment.status).toBe(stored.status);
  });

  it('Talo payment items: sent as items entries, stored by Talo; bad items are INVALID_INPUT at their field with nothing sent', async () => {
    const input = {
      price: { amount: '300.00', currency: 'ARS' },
      externalId: `items-${process.pid}`,
      redirectUrl: 'https://shop.example/ok',
      items: [{ name: 'Calendario grande', quantity: 2, unitPrice: '100.00' }, { name: 'Envío' }],
    };
    gw().clearLogs();
    const { body } = await gw().query(CREATE_PAYMENT, { input });
    expect(body.data.createPayment.userErrors).toEqual([]);
    const sent = gw().sandboxes.talo.log.list('POST /payments/')[0]!;
    expect((sent.body as Record<string, unknown>).items).toEqual([
      { [TALO_ITEM_FIELDS.name]: 'Calendario grande', [TALO_ITEM_FIELDS.quantity]: 2, [TALO_ITEM_FIELDS.unitPrice]: 100 },
      { [TALO_ITEM_FIELDS.name]: 'Envío', [TALO_ITEM_FIELDS.quantity]: 1 },
    ]);
    expect(sent.rawBody).toContain(`"${TALO_ITEM_FIELDS.unitPrice}":100.00`);
    const stored = [...gw().sandboxes.talo.state.payments.values()].find((p) => p.externalId === input.externalId)!;
    expect(stored.items).toHaveLength(2);

    for (const [items, field] of [
      [[{ name: ' ' }], ['input', 'items', '0', 'name']],
      [
        [{ name: 'ok' }, { name: 'x', quantity: 0 }],
        ['input', 'items', '1', 'quantity'],
      ],
      [[{ name: 'x', unitPrice: '1.999' }], ['input', 'items', '0', 'unitPrice']],
      [Array.from({ length: 51 }, () => ({ name: 'x' })), ['input', 'items']],
    ] as const) {
      gw().clearLogs();
      const refused = await gw().query(CREATE_PAYMENT, { input: { ...input, externalId: `bad-items-${process.pid}`, items } });
      expect(refused.body.data.createPayment.payment).toBeNull();
      expect(refused.body.data.createPayment.userErrors).toEqual([expect.objectContaining({ field, code: 'INVALID_INPUT' })]);
      expect(gw().sandboxes.talo.log.list('POST /payments/')).toEqual([]);
    }
  });

  it('Tupay cash-out: ON_HOLD and PENDING both read PENDING, and providerStatus tells them apart', async () => {
    const sandbox = gw().sandboxes.tupay.url;
    const held = await call(sandbox, 'POST', '_sandbox/cashouts', { body: { amount: '40.00' } });
    const pending = await call(sandbox, 'POST', '_sandbox/cashouts', { body: { amount: '41.00' } });
    expect((await call(sandbox, 'POST', `_sandbox/cashouts/${held.body.idCashout}/status`, { body: { status: 'ON_HOLD' } })).status).toBe(200);
    const day = held.body.creationDate.slice(0, 10);
    const { body } = await gw().query(TRANSACTIONS, { from: day, to: day, filter: { kinds: ['CASHOUT'] } });
    expect(body.errors).toBeUndefined();
    const byId = new Map((body.data.account.transactions.nodes as { id: string }[]).map((n) => [n.id, n]));
    const heldRecord = gw().sandboxes.tupay.state.cashouts.get(held.body.idCashout)!;
    expect(byId.get(globalId('Transaction', 'TUPAY', held.body.idCashout))).toMatchObject({
      status: 'PENDING',
      providerStatus: 'ON_HOLD',
      // The merchant's own id and when the status last moved, as Tupay lists them.
      externalId: heldRecord.externalId,
      updatedAt: new Date(heldRecord.lastChangeSec * 1000).toISOString(),
    });
    expect(byId.get(globalId('Transaction', 'TUPAY', pending.body.idCashout))).toMatchObject({ status: 'PENDING', providerStatus: 'PENDING' });
  });

  it("Tupay balance report: each row's currency and totals (deposits, cash-outs, fees, net) beside date and balance", async () => {
    const { body } = await gw().query(REPORT, { from: '2026-01-05', to: '2026-01-10' });
    expect(body.errors).toBeUndefined();
    const rows = body.data.account.balanceReport as Record<string, any>[];
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      for (const field of ['balance', 'depositTotal', 'cashoutTotal', 'feeTotal', 'netAmount']) expect(row[field]?.currency).toBe(row.currency);
      expect(cents(row.netAmount.amount)).toBe(cents(row.depositTotal.amount) - cents(row.feeTotal.amount) - cents(row.cashoutTotal.amount));
    }
    // One day's deposits, summed from the sandbox's ledger.
    const state = gw().sandboxes.tupay.state;
    const from = Date.parse('2026-01-07T00:00:00Z') / 1000;
    const completed = state.deposits.range(from, from + DAY - 1).filter((d) => d.status === 'COMPLETED' && d.currency === 'PEN');
    expect(completed.length).toBeGreaterThan(0);
    const row = rows.find((r) => r.date === '2026-01-07' && r.currency === 'PEN')!;
    expect(cents(row.depositTotal.amount)).toBe(completed.reduce((sum, d) => sum + d.amountCents, 0));
  });

  it('Tupay operation filter: a documented payment method is sent as paymentMethod on deposits, cash-outs are not asked', async () => {
    const range = { from: '2026-01-08', to: '2026-01-14' };
    const all = await gw().query(TRANSACTIONS, range);
    expect(all.body.errors).toBeUndefined();
    expect(all.body.data.account.transactions.pageInfo.hasNextPage).toBe(false);
    const nodes = all.body.data.account.transactions.nodes as { id: string; operation: string | null }[];
    const xaqr = nodes.filter((n) => n.operation === 'XAQR').map((n) => n.id);
    expect(xaqr.length).toBeGreaterThan(0);
    expect(nodes.some((n) => n.operation === 'XA')).toBe(true);

    gw().clearLogs();
    const filtered = await gw().query(TRANSACTIONS, { ...range, filter: { operation: 'XAQR' } });
    expect(filtered.body.errors).toBeUndefined();
    expect((filtered.body.data.account.transactions.nodes as { id: string }[]).map((n) => n.id)).toEqual(xaqr);
    const log = gw().sandboxes.tupay.log.list();
    const deposits = log.filter((r) => r.path === `/${TUPAY_PATHS.deposits}`);
    expect(deposits.length).toBeGreaterThan(0);
    expect(deposits.every((r) => r.query.paymentMethod === 'XAQR')).toBe(true);
    expect(log.filter((r) => r.path === `/${TUPAY_PATHS.cashouts}`)).toEqual([]);

    // A word Tupay does not document is never sent: it matches nothing, with no error.
    gw().clearLogs();
    const other = await gw().query(TRANSACTIONS, { ...range, filter: { operation: 'CARD' } });
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.account.transactions.nodes).toEqual([]);
    expect(
      gw()
        .sandboxes.tupay.log.list()
        .some((r) => 'paymentMethod' in r.query),
    ).toBe(false);
  });
});
