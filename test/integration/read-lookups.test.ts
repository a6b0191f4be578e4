/**
 * The root lookups over HTTP — cashout, cashin, payment, salePoints (+ staticQr), statistics,
 * paymentConcepts, transactionOperations, node and nodes — compared with the sandboxes' own answers,
 * plus the per-request DataLoaders, shared in-flight GETs and the reference-data cache.
 */
import Big from 'big.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

const decimal = (value: number | string): string => {
  const plain = new Big(String(value)).toFixed();
  return plain.includes('.') && plain.length - plain.indexOf('.') - 1 >= 2 ? plain : new Big(plain).toFixed(2);
};
const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');
const iso = (text: string) => new Date(Date.parse(text)).toISOString();

const CASHOUT_ID = '100001';
const CASHIN_ID = '500001';

describe('root lookups over HTTP', () => {
  const gw = useTestGateway();

  async function telepagos(path: string, query?: Record<string, string | number>): Promise<any> {
    const { username, password } = SANDBOX_CREDENTIALS.telepagos;
    const base = gw().sandboxes.telepagos.url;
    const token = (await call(base, 'POST', 'v2/auth/token', { body: { username, password } })).body.token as string;
    const answer = await call(base, 'GET', path, { query, headers: { authorization: `Bearer ${token}` } });
    expect(answer.status, answer.text).toBe(200);
    return answer.body;
  }

  async function taloPayments(): Promise<any[]> {
    const answer = await call(gw().sandboxes.talo.url, 'GET', '_sandbox/payments', { query: { user_id: SANDBOX_CREDENTIALS.talo.userId } });
    return answer.body.payments as any[];
  }

  function expectedPayment(p: any) {
    const received = (p.transactions as { amount: string }[]).reduce((sum, t) => sum.plus(t.amount), new Big(0));
    return {
      id: globalId('Payment', 'TALO', p.id),
      provider: 'TALO',
      status: p.payment_status,
      amount: { amount: decimal(p.price.amount), currency: p.price.currency },
      amountReceived: { amount: decimal(received.toFixed()), currency: p.price.currency },
      externalId: p.external_id ?? null,
      paymentUrl: p.payment_url ?? null,
      transferDestinations: (p.quotes as { cvu?: string; alias?: string }[]).map((q) => ({ cvu: q.cvu ?? null, alias: q.alias ?? null })),
      createdAt: iso(p.creation_timestamp),
      expiresAt: p.expiration_timestamp ? iso(p.expiration_timestamp) : null,
    };
  }

  const PAYMENT_FIELDS = `id provider status amount { amount currency } amountReceived { amount currency } externalId paymentUrl
    transferDestinations { cvu alias } createdAt expiresAt`;

  const upstream = () => ({
    telepagos: gw()
      .sandboxes.telepagos.log.list()
      .filter((r) => r.route !== 'POST /v2/auth/token'),
    talo: gw()
      .sandboxes.talo.log.list()
      .filter((r) => r.route !== 'POST /users/:user_id/tokens'),
  });

  beforeEach(() => gw().clearLogs());

  describe('cashout', () => {
    it('finds a TelePagos cash-out by its own id and by global id, with the voucher TelePagos serves', async () => {
      const { voucher } = await telepagos(`v2/payment/cashout/${CASHOUT_ID}`);
      expect(voucher.length).toBeGreaterThan(100);
      const { body } = await gw().query(
        `query($local: ID!, $global: ID!) {
        byLocal: cashout(id: $local) { __typename id provider voucher }
        byGlobal: cashout(id: $global) { id provider voucher }
      }`,
        { local: CASHOUT_ID, global: globalId('Cashout', 'TELEPAGOS', CASHOUT_ID) },
      );
      expect(body.errors).toBeUndefined();
      const expected = { id: globalId('Cashout', 'TELEPAGOS', CASHOUT_ID), provider: 'TELEPAGOS', voucher };
      expect(body.data.byLocal).toEqual({ __typename: 'Cashout', ...expected });
      expect(body.data.byGlobal).toEqual(expected);
      expect(Buffer.from(voucher, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('answers null for an id TelePagos does not know, and for a global id of another type', async () => {
      const { body } = await gw().query(
        `query($other: ID!) {
        unknown: cashout(id: "99999999") { id }
        other: cashout(id: $other) { id }
      }`,
        { other: globalId('Cashin', 'TELEPAGOS', CASHIN_ID) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ unknown: null, other: null });
    });

    it('the same cash-out asked several times in one query costs one voucher call', async () => {
      const { body } = await gw().query(
        `query($global: ID!) {
        a: cashout(id: "${CASHOUT_ID}") { voucher }
        b: cashout(id: "${CASHOUT_ID}") { id voucher }
        c: cashout(id: $global) { voucher }
        n: node(id: $global) { ... on Cashout { voucher } }
      }`,
        { global: globalId('Cashout', 'TELEPAGOS', CASHOUT_ID) },
      );
      expect(body.errors).toBeUndefined();
      expect(new Set([body.data.a.voucher, body.data.b.voucher, body.data.c.voucher, body.data.n.voucher]).size).toBe(1);
      expect(gw().sandboxes.telepagos.log.count('GET /v2/payment/cashout/:id')).toBe(1);
    });
  });

  describe('cashin', () => {
    it('answers a TelePagos cash-in as TelePagos describes it', async () => {
      const wire = await telepagos(`v2/payment/cashin/${CASHIN_ID}`);
      const { body } = await gw().query(
        `{ cashin(id: "${CASHIN_ID}") { __typename id provider amount { amount currency } concept description buyer { name cuit cbu document } } }`,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.cashin).toEqual({
        __typename: 'Cashin',
        id: globalId('Cashin', 'TELEPAGOS', CASHIN_ID),
        provider: 'TELEPAGOS',
        amount: { amount: decimal(wire.amount), currency: 'ARS' },
        concept: wire.concept,
        description: wire.description,
        buyer: { name: null, cuit: wire.buyer.cuit, cbu: wire.buyer.cvu, document: null },
      });
    });

    it('the same cash-in twice (local and global id) costs one call; an unknown one is null', async () => {
      const { body } = await gw().query(
        `query($global: ID!) {
        a: cashin(id: "${CASHIN_ID}") { amount { amount } }
        b: cashin(id: $global) { concept }
        unknown: cashin(id: "999999999") { id }
      }`,
        { global: globalId('Cashin', 'TELEPAGOS', CASHIN_ID) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.unknown).toBeNull();
      expect(body.data.a.amount.amount).toMatch(/^\d+\.\d{2}$/);
      const asked = gw()
        .sandboxes.telepagos.log.list('GET /v2/payment/cashin/:id')
        .map((r) => r.path);
      expect(asked.sort()).toEqual([`/v2/payment/cashin/${CASHIN_ID}`, '/v2/payment/cashin/999999999']);
    });

    it('identical lookups of concurrent requests share one upstream GET', async () => {
      // Slow the first answer down so the second request finds it in flight.
      gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/payment/cashin/:id', mode: 'latency', latencyMs: 1500, times: 1 });
      const query = `{ cashin(id: "${CASHIN_ID}") { amount { amount } } }`;
      const [first, second] = await Promise.all([gw().query(query), gw().query(query)]);
      expect(first.body.errors).toBeUndefined();
      expect(second.body).toEqual(first.body);
      expect(gw().sandboxes.telepagos.log.count('GET /v2/payment/cashin/:id')).toBe(1);
    });
  });

  describe('payment', () => {
    it('answers every seeded Talo payment of ours, by Talo id and by global id, as Talo holds it', async () => {
      const payments = await taloPayments();
      expect(payments.length).toBeGreaterThanOrEqual(4);
      expect(new Set(payments.map((p) => p.payment_status)).size).toBeGreaterThan(2);
      for (const p of payments) {
        const { body } = await gw().query(
          `query($id: ID!, $global: ID!) {
          byLocal: payment(id: $id) { __typename ${PAYMENT_FIELDS} }
          byGlobal: payment(id: $global) { ${PAYMENT_FIELDS} }
        }`,
          { id: p.id, global: globalId('Payment', 'TALO', p.id) },
        );
        expect(body.errors).toBeUndefined();
        expect(body.data.byLocal).toEqual({ __typename: 'Payment', ...expectedPayment(p) });
        expect(body.data.byGlobal).toEqual(expectedPayment(p));
      }
      // A partly paid payment shows what was received so far.
      const underpaid = payments.find((p) => p.payment_status === 'UNDERPAID');
      expect(expectedPayment(underpaid).amountReceived.amount).not.toBe('0.00');
    });

    it('the same payment twice in a query costs one Talo call; an unknown payment is null', async () => {
      const [p] = await taloPayments();
      const { body } = await gw().query(
        `query($id: ID!) {
        a: payment(id: $id) { status }
        b: payment(id: $id) { amount { amount } }
        unknown: payment(id: "VAR-00000000-0000-4000-8000-000000000000") { id }
      }`,
        { id: p.id },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.unknown).toBeNull();
      expect(
        gw()
          .sandboxes.talo.log.list('GET /payments/:id')
          .map((r) => r.path)
          .filter((path) => path.endsWith(p.id)),
      ).toHaveLength(1);
    });
  });

  describe('ids that name nothing of ours', () => {
    it('a non-numeric TelePagos id is null without asking TelePagos; a payment of another Talo user is null', async () => {
      const others = await call(gw().sandboxes.talo.url, 'GET', '_sandbox/payments');
      const foreign = (others.body.payments as { id: string; user_id: string }[]).find((p) => p.user_id !== SANDBOX_CREDENTIALS.talo.userId)!;
      expect(foreign).toBeDefined();
      const { body } = await gw().query(
        `query($foreign: ID!, $node: ID!) {
        a: cashout(id: "abc") { id }
        b: cashin(id: "12ab") { id }
        c: payment(id: $foreign) { id status }
        n: node(id: $node) { id }
      }`,
        { foreign: foreign.id, node: globalId('Cashin', 'TELEPAGOS', 'x') },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ a: null, b: null, c: null, n: null });
      expect(upstream().telepagos).toEqual([]);
    });
  });

  describe('sale points', () => {
    it('lists TelePagos sale points with global ids, names and statuses', async () => {
      const wire = (await telepagos('v2/payment/cashin/qr/sale-point')).sale_points as { id: number; name: string; status: string }[];
      const { body } = await gw().query('{ salePoints { __typename id name status } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.salePoints).toEqual(
        wire.map((s) => ({ __typename: 'SalePoint', id: globalId('SalePoint', 'TELEPAGOS', String(s.id)), name: s.name, status: s.status })),
      );
      expect(body.data.salePoints.length).toBeGreaterThanOrEqual(4);
    });

    it('staticQr answers the QR TelePagos prints for each amount type, one call per sale point and type', async () => {
      const open = (await telepagos('v2/payment/cashin/qr/sale-point/static', { type_amount: 'open', sale_point_id: 1 })).qr_code;
      const closed = (await telepagos('v2/payment/cashin/qr/sale-point/static', { type_amount: 'closed', sale_point_id: 1 })).qr_code;
      expect(open).not.toBe(closed);
      gw().clearLogs();
      const { body } = await gw().query(
        `query($id: ID!) {
        node(id: $id) { ... on SalePoint { name open: staticQr(amountType: OPEN) closed: staticQr(amountType: CLOSED) again: staticQr(amountType: OPEN) } }
      }`,
        { id: globalId('SalePoint', 'TELEPAGOS', '1') },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.node).toEqual({ name: 'Sucursal Centro', open, closed, again: open });
      expect(gw().sandboxes.telepagos.log.count('GET /v2/payment/cashin/qr/sale-point/static')).toBe(2);
    });

    it('staticQr over the whole list (inactive sale points included) never blanks the list', async () => {
      const wire = (await telepagos('v2/payment/cashin/qr/sale-point')).sale_points as { id: number; name: string }[];
      const expected = [];
      for (const s of wire) {
        expected.push({
          name: s.name,
          staticQr: (await telepagos('v2/payment/cashin/qr/sale-point/static', { type_amount: 'open', sale_point_id: s.id })).qr_code,
        });
      }
      gw().clearLogs();
      const { body } = await gw().query('{ salePoints { name staticQr(amountType: OPEN) } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.salePoints).toEqual(expected);
      expect(gw().sandboxes.telepagos.log.count('GET /v2/payment/cashin/qr/sale-point/static')).toBe(wire.length);
    });

    it('salePoints is fetched once per request, however many times the query names it', async () => {
      const { body } = await gw().query(
        `query($a: ID!, $b: ID!) {
        x: salePoints { id }
        y: salePoints { name }
        a: node(id: $a) { id }
        b: node(id: $b) { id }
      }`,
        { a: globalId('SalePoint', 'TELEPAGOS', '1'), b: globalId('SalePoint', 'TELEPAGOS', '2') },
      );
      expect(body.errors).toBeUndefined();
      expect(gw().sandboxes.telepagos.log.count('GET /v2/payment/cashin/qr/sale-point')).toBe(1);
    });
  });

  describe('statistics', () => {
    it('answers TelePagos white-label statistics of the period, exact', async () => {
      const wire = await telepagos('v2/whitelabel/statics/2025-12');
      const fields: Record<string, any> = {};
      for (const group of wire.data as unknown[]) for (const item of ([] as unknown[]).concat(group)) Object.assign(fields, item);
      const { body } = await gw().query('{ statistics(period: "2025-12") { period openCvuCount totalCashin totalCashout paymentServicesCount smsSentCount } }');
      expect(body.errors).toBeUndefined();
      const orNullDecimal = (v: unknown) => (v === null || v === undefined ? null : decimal(v as string));
      expect(body.data.statistics).toEqual({
        period: '2025-12',
        openCvuCount: Number(fields.count_open_cvu),
        totalCashin: orNullDecimal(fields.total_cashin),
        totalCashout: orNullDecimal(fields.total_cashout),
        paymentServicesCount: Number(fields.count_payments_services),
        smsSentCount: Number(fields.count_sent_sms),
      });
      expect(body.data.statistics.openCvuCount).toBeGreaterThan(0);
    });
  });

  describe('reference data', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('paymentConcepts and transactionOperations are what TelePagos lists', async () => {
      const concepts = (await telepagos('v2/payment/concepts')).concepts;
      const operations = (await telepagos('v2/account/transactions_filters')).operations;
      const { body } = await gw().query('{ paymentConcepts { id description } transactionOperations { id name type } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.paymentConcepts).toEqual(concepts);
      expect(body.data.transactionOperations).toEqual(operations);
      expect(body.data.paymentConcepts.map((c: { id: string }) => c.id)).toContain('VAR');
    });

    it('is cached for five minutes: within the TTL no upstream call, after it a fresh one', async () => {
      const query = '{ paymentConcepts { id } transactionOperations { id } }';
      expect((await gw().query(query)).body.errors).toBeUndefined();
      gw().clearLogs();
      expect((await gw().query(query)).body.errors).toBeUndefined();
      expect((await gw().query(query)).body.errors).toBeUndefined();
      expect(upstream().telepagos).toEqual([]);

      // Move the clock past the TTL (Date only: sockets and timers keep real time).
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 5 * 60_000 + 1_000);
      expect((await gw().query(query)).body.errors).toBeUndefined();
      const log = gw().sandboxes.telepagos.log;
      expect(log.count('GET /v2/payment/concepts')).toBe(1);
      expect(log.count('GET /v2/account/transactions_filters')).toBe(1);
    });
  });

  describe('node and nodes', () => {
    it('node(id) round-trips every fetchable Node type to the same object the root fields answer', async () => {
      const [payment] = await taloPayments();
      const { body: direct } = await gw().query(
        `query($payment: ID!) {
        accounts { id provider balance { amount currency } }
        salePoints { id name spStatus: status }
        cashout(id: "${CASHOUT_ID}") { id provider voucher }
        cashin(id: "${CASHIN_ID}") { id provider amount { amount currency } concept }
        payment(id: $payment) { ${PAYMENT_FIELDS} }
      }`,
        { payment: payment.id },
      );
      expect(direct.errors).toBeUndefined();
      const objects = [
        ...direct.data.accounts.map((a: object) => ({ __typename: 'Account', ...a })),
        ...direct.data.salePoints.map((s: object) => ({ __typename: 'SalePoint', ...s })),
        { __typename: 'Cashout', ...direct.data.cashout },
        { __typename: 'Cashin', ...direct.data.cashin },
        { __typename: 'Payment', ...direct.data.payment },
      ];
      const NODE = `__typename id
        ... on Account { provider balance { amount currency } }
        ... on SalePoint { name spStatus: status }
        ... on Cashout { provider voucher }
        ... on Cashin { provider amount { amount currency } concept }
        ... on Payment { ${PAYMENT_FIELDS} }`;
      for (const object of objects) {
        const { body } = await gw().query(`query($id: ID!) { node(id: $id) { ${NODE} } }`, { id: object.id });
        expect(body.errors).toBeUndefined();
        expect(body.data.node).toEqual(object);
      }
      const { body } = await gw().query(`query($ids: [ID!]!) { nodes(ids: $ids) { ${NODE} } }`, {
        ids: [objects[0]!.id, 'not-a-global-id', ...objects.slice(1).map((o) => o.id)],
      });
      expect(body.errors).toBeUndefined();
      expect(body.data.nodes).toEqual([objects[0], null, ...objects.slice(1)]);
      expect(new Set(objects.map((o) => o.__typename))).toEqual(new Set(['Account', 'SalePoint', 'Cashout', 'Cashin', 'Payment']));
    });

    it('unknown, malformed and unfetchable ids answer null, not errors', async () => {
      const { body: page } = await gw().query('{ account(provider: TUPAY) { transactions(from: "2026-01-01", to: "2026-01-10", first: 1) { nodes { id } } } }');
      const transactionId = page.data.account.transactions.nodes[0].id as string;
      const { body } = await gw().query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
        ids: [
          globalId('SalePoint', 'TELEPAGOS', '999'),
          globalId('Cashout', 'TELEPAGOS', '99999999'),
          globalId('Payment', 'TALO', 'VAR-00000000-0000-4000-8000-000000000000'),
          globalId('Account', 'TALO', 'TALO'),
          globalId('Cashout', 'TALO', '1'),
          '%%%',
          '',
          // Transactions have no lookup by id at any provider.
          transactionId,
        ],
      });
      expect(body.errors).toBeUndefined();
      expect(body.data.nodes).toEqual([null, null, null, null, null, null, null, null]);
    });

    it('nodes refuses more than 100 ids before any upstream call', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => globalId('Cashin', 'TELEPAGOS', String(500001 + i)));
      const { body } = await gw().query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(upstream().telepagos).toEqual([]);
    });
  });
});
