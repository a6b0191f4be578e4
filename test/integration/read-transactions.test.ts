/**
 * Account.transactions over HTTP against the TelePagos and Tupay sandboxes: every value compared with the
 * sandbox's own answer to a raw client (test/helpers/http.ts), several provider pages, Tupay ranges over
 * 60 days, Relay paging, filters, and one sale-point list call however many transactions name one.
 */
import Big from 'big.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

const decimal = (value: number | string): string => {
  const plain = new Big(String(value)).toFixed();
  return plain.includes('.') && plain.length - plain.indexOf('.') - 1 >= 2 ? plain : new Big(plain).toFixed(2);
};
const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');
const localIdOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':').slice(2).join(':');

const FIELDS = `
  id provider kind direction amount { amount currency } createdAt operation status providerStatus
  counterparty { name cuit cbu document }
`;

const TRANSACTIONS = `
  query($provider: Provider!, $from: LocalDate!, $to: LocalDate!, $filter: TransactionFilter, $first: Int, $after: String) {
    account(provider: $provider) {
      transactions(from: $from, to: $to, filter: $filter, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id } }
        nodes { ${FIELDS} salePoint { id name } }
      }
    }
  }
`;

interface TxRow {
  income: number;
  date: string;
  amount: string;
  operation: string;
  holder: string;
  cuit: string;
  cvu_cbu: string;
  status: string;
  sale_point_name: string;
}

const TELEPAGOS_KIND: Record<string, { kind: string; income: number }> = {
  cashout: { kind: 'CASHOUT', income: 0 },
  service_payment: { kind: 'CASHOUT', income: 0 },
  qr_payment: { kind: 'DEPOSIT', income: 1 },
  link_payment: { kind: 'DEPOSIT', income: 1 },
  cashin: { kind: 'TRANSFER', income: 1 },
};
const TELEPAGOS_STATUS: Record<string, string> = { Aprobada: 'COMPLETED', Pendiente: 'PENDING', Rechazada: 'REJECTED' };
const TUPAY_DEPOSIT_STATUS: Record<string, string> = {
  PENDING: 'PENDING',
  APPROVED: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  CANCELLED: 'CANCELLED',
  DECLINED: 'REJECTED',
};
const TUPAY_CASHOUT_STATUS: Record<string, string> = {
  ON_HOLD: 'PENDING',
  PENDING: 'PENDING',
  DELIVERED: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  DECLINED: 'REJECTED',
};

/** DateTimeISO (graphql-scalars) serializes instants in UTC with milliseconds. */
const iso = (text: string) => new Date(Date.parse(text)).toISOString();
const orNull = (text: string | undefined | null) => (text === undefined || text === null || text.trim() === '' ? null : text);

/** What the gateway must answer for a TelePagos row (id aside: TelePagos rows carry none). */
function expectedTelepagos(row: TxRow, salePointIds: Map<string, string>) {
  const known = TELEPAGOS_KIND[row.operation];
  const counterparty = { name: orNull(row.holder), cuit: orNull(row.cuit), cbu: orNull(row.cvu_cbu), document: null };
  const salePointName = orNull(row.sale_point_name);
  return {
    provider: 'TELEPAGOS',
    kind: known && known.income === row.income ? known.kind : 'TRANSFER',
    direction: row.income === 1 ? 'IN' : 'OUT',
    amount: { amount: decimal(row.amount), currency: 'ARS' },
    createdAt: iso(`${row.date.replace(' ', 'T')}-03:00`),
    operation: orNull(row.operation),
    status: TELEPAGOS_STATUS[row.status] ?? 'UNKNOWN',
    providerStatus: row.status,
    counterparty: counterparty.name || counterparty.cuit || counterparty.cbu ? counterparty : null,
    salePoint: salePointName === null ? null : { id: salePointIds.get(salePointName), name: salePointName },
  };
}

type Node = Record<string, any>;
const withoutId = ({ id: _id, ...rest }: Node) => rest;

describe('Account.transactions over HTTP', () => {
  const gw = useTestGateway();

  // ── Raw reads of the sandboxes ────────────────────────────────────────────────────────────────

  async function telepagosAuth(): Promise<Record<string, string>> {
    const { username, password } = SANDBOX_CREDENTIALS.telepagos;
    const answer = await call(gw().sandboxes.telepagos.url, 'POST', 'v2/auth/token', { body: { username, password } });
    return { authorization: `Bearer ${answer.body.token as string}` };
  }

  /** Every row of the range, unpaginated, in TelePagos' order (newest first). */
  async function telepagosRows(from: string, to: string, operation?: string): Promise<TxRow[]> {
    const answer = await call(gw().sandboxes.telepagos.url, 'GET', 'v2/account/transactions', {
      query: { date_from: from, date_to: to, paginate: 0, operation },
      headers: await telepagosAuth(),
    });
    expect(answer.status).toBe(200);
    return answer.body.transactions as TxRow[];
  }

  async function telepagosPages(from: string, to: string): Promise<number> {
    const answer = await call(gw().sandboxes.telepagos.url, 'GET', 'v2/account/transactions', {
      query: { date_from: from, date_to: to, paginate: 1, page: 1 },
      headers: await telepagosAuth(),
    });
    return answer.body.pages as number;
  }

  async function salePointIds(): Promise<Map<string, string>> {
    const answer = await call(gw().sandboxes.telepagos.url, 'GET', 'v2/payment/cashin/qr/sale-point', { headers: await telepagosAuth() });
    return new Map((answer.body.sale_points as { id: number; name: string }[]).map((s) => [s.name, globalId('SalePoint', 'TELEPAGOS', String(s.id))]));
  }

  async function tupayCookie(): Promise<string> {
    const { accessKey, secretKey } = SANDBOX_CREDENTIALS.tupay;
    const login = await call(gw().sandboxes.tupay.url, 'POST', 'v1/auth/login', { body: { accessKey, secretKey } });
    return ([] as string[]).concat(login.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
  }

  /** Every record of a Lima-day range from a Tupay listing, asked in windows of at most 60 days. */
  async function tupayRecords(path: 'v1/deposits' | 'v1/cashout', from: string, to: string, filter: Record<string, string> = {}): Promise<any[]> {
    const cookie = await tupayCookie();
    const fromSec = Date.parse(`${from}T00:00:00-05:00`) / 1000;
    const toSec = Date.parse(`${to}T23:59:59-05:00`) / 1000;
    const span = 60 * 86_400;
    const records: any[] = [];
    for (let start = fromSec; start <= toSec; start += span + 1) {
      for (let page = 0; ; page++) {
        const answer = await call(gw().sandboxes.tupay.url, 'GET', path, {
          query: { from: start, to: Math.min(start + span, toSec), page, ...filter },
          headers: { cookie },
        });
        expect(answer.status).toBe(200);
        records.push(...answer.body.data);
        if (answer.body.rows < answer.body.maxRows) break;
      }
    }
    return records;
  }

  function expectedTupay(record: any) {
    const deposit = record.idDeposit !== undefined;
    return {
      id: globalId('Transaction', 'TUPAY', String(deposit ? record.idDeposit : record.idCashout)),
      provider: 'TUPAY',
      kind: deposit ? 'DEPOSIT' : 'CASHOUT',
      direction: deposit ? 'IN' : 'OUT',
      amount: { amount: decimal(record.amount), currency: record.currency },
      createdAt: iso(record.creationDate as string),
      operation: deposit ? record.paymentMethodCode : null,
      status: (deposit ? TUPAY_DEPOSIT_STATUS : TUPAY_CASHOUT_STATUS)[record.status],
      providerStatus: record.status,
      counterparty: { name: null, cuit: null, cbu: null, document: record.clientDocument },
      salePoint: null,
    };
  }

  /** Newest first by creation time; the same second is ordered by id so both sides compare. */
  const byTimeThenId = (a: Node, b: Node) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.id.localeCompare(b.id);

  // ── Gateway reads ─────────────────────────────────────────────────────────────────────────────

  async function page(provider: string, from: string, to: string, options: { filter?: unknown; first?: number; after?: string } = {}) {
    const { body } = await gw().query(TRANSACTIONS, { provider, from, to, ...options });
    expect(body.errors).toBeUndefined();
    return body.data.account.transactions as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      edges: { cursor: string; node: { id: string } }[];
      nodes: Node[];
    };
  }

  /** Walks every page with first/after; checks the Relay invariants on the way. */
  async function walk(provider: string, from: string, to: string, first: number, filter?: unknown): Promise<Node[]> {
    const all: Node[] = [];
    let after: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const connection = await page(provider, from, to, { first, after, filter });
      expect(connection.nodes.map((n) => n.id)).toEqual(connection.edges.map((e) => e.node.id));
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== undefined);
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      all.push(...connection.nodes);
      if (!connection.pageInfo.hasNextPage) {
        expect(all).toHaveLength(connection.totalCount);
        return all;
      }
      expect(connection.nodes).toHaveLength(first);
      after = connection.pageInfo.endCursor!;
    }
    throw new Error('paging never ended');
  }

  beforeEach(() => gw().clearLogs());

  describe('TelePagos', () => {
    const from = '2026-01-01';
    const to = '2026-01-15';

    it('answers a first page from only the provider pages it sits on, the same rows a full walk gives', async () => {
      const rows = await telepagosRows(from, to);
      expect(rows.length).toBeGreaterThan(50);
      const everything = await walk('TELEPAGOS', from, to, 100);
      gw().clearLogs();

      const dashboard = await page('TELEPAGOS', from, to, { first: 20 });
      const asked = gw()
        .sandboxes.telepagos.log.list('GET /v2/account/transactions')
        .map((r) => Number(r.query.page));
      // ⌈20 / 15⌉ pages (the sandbox's page size is 15), not the whole range.
      expect(asked.sort((a, b) => a - b)).toEqual([1, 2]);
      expect(dashboard.totalCount).toBe(rows.length);
      expect(dashboard.pageInfo.hasNextPage).toBe(true);
      expect(dashboard.nodes.map(withoutId)).toEqual(everything.slice(0, 20).map(withoutId));
      // Its cursor continues exactly where the full listing does.
      const next = await page('TELEPAGOS', from, to, { first: 5, after: dashboard.pageInfo.endCursor! });
      expect(next.nodes.map(withoutId)).toEqual(everything.slice(20, 25).map(withoutId));
    });

    it('answers every transaction of the range, exact and newest first, reading every provider page', async () => {
      const rows = await telepagosRows(from, to);
      const pages = await telepagosPages(from, to);
      expect(pages).toBeGreaterThan(1);
      const ids = await salePointIds();
      gw().clearLogs();

      const connection = await page('TELEPAGOS', from, to, { first: 100 });
      expect(rows.length).toBeGreaterThan(15);
      expect(rows.length).toBeLessThanOrEqual(100);
      expect(connection.totalCount).toBe(rows.length);
      expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      expect(connection.nodes.map(withoutId)).toEqual(rows.map((row) => expectedTelepagos(row, ids)));
      // Sanity: the data exercises both directions and several kinds.
      expect(new Set(connection.nodes.map((n) => n.direction))).toEqual(new Set(['IN', 'OUT']));
      expect(new Set(connection.nodes.map((n) => n.kind)).size).toBeGreaterThan(1);
      // Global ids: unique, of type Transaction.
      expect(new Set(connection.nodes.map((n) => n.id)).size).toBe(rows.length);
      expect(connection.nodes.every((n) => Buffer.from(n.id, 'base64url').toString().startsWith('Transaction:TELEPAGOS:'))).toBe(true);
      // Every provider page, once each.
      const requested = gw()
        .sandboxes.telepagos.log.list('GET /v2/account/transactions')
        .map((r) => Number(r.query.page));
      expect(requested.sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    });

    it('defaults to 50 per page', async () => {
      const rows = await telepagosRows(from, to);
      expect(rows.length).toBeGreaterThan(50);
      const { body } = await gw().query(
        `{ account(provider: TELEPAGOS) { transactions(from: "${from}", to: "${to}") { totalCount pageInfo { hasNextPage } nodes { id } } } }`,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.account.transactions.nodes).toHaveLength(50);
      expect(body.data.account.transactions.pageInfo.hasNextPage).toBe(true);
      expect(body.data.account.transactions.totalCount).toBe(rows.length);
    });

    it('first/after paging visits every transaction exactly once, in order, and ends with hasNextPage false', async () => {
      const everything = await page('TELEPAGOS', from, to, { first: 100 });
      const walked = await walk('TELEPAGOS', from, to, 7);
      expect(walked.map((n) => n.id)).toEqual(everything.nodes.map((n) => n.id));
      expect(walked).toEqual(everything.nodes);
    });

    it('a cursor of the last item gives an empty last page', async () => {
      const everything = await page('TELEPAGOS', from, to, { first: 100 });
      const last = await page('TELEPAGOS', from, to, { first: 10, after: everything.pageInfo.endCursor! });
      expect(last.nodes).toEqual([]);
      expect(last.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
      expect(last.totalCount).toBe(everything.totalCount);
    });

    it('200 transactions with their sale points cost one sale-point list call and one listing walk', async () => {
      const wideFrom = '2025-11-20';
      const rows = await telepagosRows(wideFrom, to);
      expect(rows.length).toBeGreaterThanOrEqual(200);
      const ids = await salePointIds();
      const firstPage = await page('TELEPAGOS', wideFrom, to, { first: 100 });
      const pages = await telepagosPages(wideFrom, to);
      gw().clearLogs();

      const { body } = await gw().query(
        `query($from: LocalDate!, $to: LocalDate!, $after: String!) {
          account(provider: TELEPAGOS) {
            p1: transactions(from: $from, to: $to, first: 100) { nodes { createdAt salePoint { id name status } } }
            p2: transactions(from: $from, to: $to, first: 100, after: $after) { nodes { createdAt salePoint { id name status } } }
          }
        }`,
        { from: wideFrom, to, after: firstPage.pageInfo.endCursor },
      );
      expect(body.errors).toBeUndefined();
      const nodes = [...body.data.account.p1.nodes, ...body.data.account.p2.nodes] as Node[];
      expect(nodes).toHaveLength(200);
      const expected = rows.slice(0, 200).map((row) => expectedTelepagos(row, ids));
      expect(nodes.map((n) => n.createdAt)).toEqual(expected.map((e) => e.createdAt));
      expect(nodes.map((n) => (n.salePoint ? { id: n.salePoint.id, name: n.salePoint.name } : null))).toEqual(expected.map((e) => e.salePoint));
      expect(nodes.filter((n) => n.salePoint).length).toBeGreaterThan(10);

      const log = gw().sandboxes.telepagos.log;
      expect(log.count('GET /v2/payment/cashin/qr/sale-point')).toBe(1);
      // Both aliases share one walk of the listing: each provider page once.
      expect(log.count('GET /v2/account/transactions')).toBe(pages);
    });

    it('sale points are not cached across requests: each request lists them afresh', async () => {
      const query = `{ account(provider: TELEPAGOS) { transactions(from: "2026-01-10", to: "2026-01-15", first: 100) { nodes { salePoint { name } } } } }`;
      expect((await gw().query(query)).body.errors).toBeUndefined();
      expect((await gw().query(query)).body.errors).toBeUndefined();
      expect(gw().sandboxes.telepagos.log.count('GET /v2/payment/cashin/qr/sale-point')).toBe(2);
    });

    it('filters by operation upstream, and by direction and statuses', async () => {
      const rows = await telepagosRows(from, to, 'cashout');
      const ids = await salePointIds();
      gw().clearLogs();
      const byOperation = await page('TELEPAGOS', from, to, { first: 100, filter: { operation: 'cashout' } });
      expect(rows.length).toBeGreaterThan(0);
      expect(byOperation.nodes.map(withoutId)).toEqual(rows.map((r) => expectedTelepagos(r, ids)));
      expect(
        gw()
          .sandboxes.telepagos.log.list('GET /v2/account/transactions')
          .every((r) => r.query.operation === 'cashout'),
      ).toBe(true);

      const all = (await telepagosRows(from, to)).map((r) => expectedTelepagos(r, ids));
      const out = await page('TELEPAGOS', from, to, { first: 100, filter: { direction: 'OUT' } });
      expect(out.nodes.map(withoutId)).toEqual(all.filter((t) => t.direction === 'OUT'));
      expect(out.totalCount).toBe(all.filter((t) => t.direction === 'OUT').length);

      const notCompleted = await page('TELEPAGOS', '2025-10-01', to, { first: 100, filter: { statuses: ['PENDING', 'REJECTED'] } });
      const wider = (await telepagosRows('2025-10-01', to)).map((r) => expectedTelepagos(r, ids));
      const expected = wider.filter((t) => t.status === 'PENDING' || t.status === 'REJECTED');
      expect(expected.length).toBeGreaterThan(0);
      expect(new Set(expected.map((t) => t.status))).toEqual(new Set(['PENDING', 'REJECTED']));
      expect(notCompleted.totalCount).toBe(expected.length);
      expect(notCompleted.nodes.map(withoutId)).toEqual(expected.slice(0, 100));

      const inAndApproved = await page('TELEPAGOS', from, to, { first: 100, filter: { direction: 'IN', statuses: ['COMPLETED'] } });
      expect(inAndApproved.nodes.map(withoutId)).toEqual(all.filter((t) => t.direction === 'IN' && t.status === 'COMPLETED'));
    });

    it('a one-day range holds only that Argentina day', async () => {
      const day = '2026-01-14';
      const rows = await telepagosRows(day, day);
      const ids = await salePointIds();
      const connection = await page('TELEPAGOS', day, day, { first: 100 });
      expect(connection.nodes.map(withoutId)).toEqual(rows.map((r) => expectedTelepagos(r, ids)));
      const [start, end] = [Date.parse(`${day}T00:00:00-03:00`), Date.parse(`${day}T23:59:59-03:00`)];
      expect(connection.nodes.length).toBeGreaterThan(0);
      expect(connection.nodes.every((n) => Date.parse(n.createdAt) >= start && Date.parse(n.createdAt) <= end)).toBe(true);
    });
  });

  describe('Tupay', () => {
    // 83 Lima days: two 60-day windows at least.
    const from = '2025-10-20';
    const to = '2026-01-10';

    it('merges deposits and cash-outs over more than 60 days, exact, newest first, every record once', async () => {
      const deposits = await tupayRecords('v1/deposits', from, to);
      const cashouts = await tupayRecords('v1/cashout', from, to);
      const expected = [...deposits, ...cashouts].map(expectedTupay);
      expect(deposits.length).toBeGreaterThan(50);
      expect(cashouts.length).toBeGreaterThan(0);
      gw().clearLogs();

      const walked = await walk('TUPAY', from, to, 100);
      expect(walked).toHaveLength(expected.length);
      // Newest first: the creation times match the expected order exactly…
      expect(walked.map((n) => Date.parse(n.createdAt))).toEqual(expected.sort(byTimeThenId).map((e) => Date.parse(e.createdAt)));
      // …and the records are exactly the sandbox's, each once.
      expect([...walked].sort(byTimeThenId)).toEqual(expected);
      expect(new Set(walked.map((n) => n.id)).size).toBe(walked.length);

      // More than one 60-day window was asked for, and every asked window is within the limit.
      const windows = gw()
        .sandboxes.tupay.log.list('GET /v1/deposits')
        .map((r) => [Number(r.query.from), Number(r.query.to)] as const);
      expect(new Set(windows.map(([f]) => f)).size).toBeGreaterThan(1);
      expect(windows.every(([f, t]) => t - f <= 60 * 86_400 && f <= t)).toBe(true);
    });

    it('first/after paging over Tupay visits every record once, in order', async () => {
      const everything = await walk('TUPAY', '2025-12-20', to, 100);
      const walked = await walk('TUPAY', '2025-12-20', to, 13);
      expect(walked.map((n) => n.id)).toEqual(everything.map((n) => n.id));
    });

    it('kinds: CASHOUT asks only the cash-out listing, DEPOSIT only the deposits', async () => {
      const cashouts = (await tupayRecords('v1/cashout', '2025-12-01', to)).map(expectedTupay);
      gw().clearLogs();
      const onlyCashouts = await walk('TUPAY', '2025-12-01', to, 100, { kinds: ['CASHOUT'] });
      expect([...onlyCashouts].sort(byTimeThenId)).toEqual(cashouts.sort(byTimeThenId));
      expect(gw().sandboxes.tupay.log.count('GET /v1/deposits')).toBe(0);

      const deposits = (await tupayRecords('v1/deposits', '2025-12-01', to)).map(expectedTupay);
      gw().clearLogs();
      const onlyDeposits = await walk('TUPAY', '2025-12-01', to, 100, { kinds: ['DEPOSIT'] });
      expect([...onlyDeposits].sort(byTimeThenId)).toEqual(deposits.sort(byTimeThenId));
      expect(gw().sandboxes.tupay.log.count('GET /v1/cashout') + gw().sandboxes.tupay.log.count('GET /v1/cashouts')).toBe(0);
    });

    it('customerDocument: only that customer, filtered by Tupay', async () => {
      const summary = await call(gw().sandboxes.tupay.url, 'GET', '_sandbox/summary');
      const documents = summary.body.documents as string[];
      const deposits = await tupayRecords('v1/deposits', from, to);
      const document = documents.find((d) => deposits.some((r) => r.clientDocument === d))!;
      expect(document).toBeDefined();
      const expected = [
        ...(await tupayRecords('v1/deposits', from, to, { clientDocument: document })),
        ...(await tupayRecords('v1/cashout', from, to, { clientDocument: document })),
      ].map(expectedTupay);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(deposits.length);
      gw().clearLogs();

      const walked = await walk('TUPAY', from, to, 100, { customerDocument: document });
      expect([...walked].sort(byTimeThenId)).toEqual(expected.sort(byTimeThenId));
      expect(walked.every((n) => n.counterparty.document === document)).toBe(true);
      const asked = gw().sandboxes.tupay.log.list('GET /v1/deposits');
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((r) => r.query.clientDocument === document || r.query.clienteDocument === document)).toBe(true);
    });

    it('statuses and direction filter the normalized values', async () => {
      const all = [...(await tupayRecords('v1/deposits', from, to)), ...(await tupayRecords('v1/cashout', from, to))].map(expectedTupay);
      const wanted = all.filter((t) => t.status !== 'COMPLETED');
      expect(wanted.length).toBeGreaterThan(0);
      const statuses = [...new Set(wanted.map((t) => t.status))];
      const walked = await walk('TUPAY', from, to, 100, { statuses });
      expect([...walked].sort(byTimeThenId)).toEqual(wanted.sort(byTimeThenId));

      const outgoing = await walk('TUPAY', from, to, 100, { direction: 'OUT', statuses: ['COMPLETED'] });
      const expectedOut = all.filter((t) => t.direction === 'OUT' && t.status === 'COMPLETED');
      expect(expectedOut.length).toBeGreaterThan(0);
      expect([...outgoing].sort(byTimeThenId)).toEqual(expectedOut.sort(byTimeThenId));
    });

    it('node ids of transactions are Tupay ids, and global', async () => {
      const connection = await page('TUPAY', '2026-01-01', to, { first: 5 });
      expect(connection.nodes.length).toBe(5);
      for (const node of connection.nodes) {
        expect(node.id).toBe(globalId('Transaction', 'TUPAY', localIdOf(node.id)));
        expect(localIdOf(node.id)).toMatch(/^\d+$/);
      }
    });
  });
});
