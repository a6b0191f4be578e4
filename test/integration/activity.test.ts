/**
 * Query.activity and Query.activitySummary over HTTP against the TelePagos and Tupay sandboxes: paging
 * with first: 7 through a range that crosses TelePagos pages and Tupay windows gives every row of the
 * providers' own listings (Account.transactions, itself checked against the sandboxes' raw answers in
 * read-transactions.test.ts) exactly once, in order; rows of both providers at the same second, across a
 * TelePagos page boundary, some identical; a provider failing mid-way; the time-zone rule at a day's edge;
 * summary totals; and arguments refused before any provider call.
 */
import Big from 'big.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';

const localIdOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':').slice(2).join(':');

const NODE = 'id provider createdAt direction kind status amount { amount currency }';
const ACTIVITY = `
  query($from: LocalDate!, $to: LocalDate!, $timeZone: String, $filter: ActivityFilter, $first: Int, $after: String) {
    activity(from: $from, to: $to, timeZone: $timeZone, filter: $filter, first: $first, after: $after) {
      partial totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id } }
      nodes { ${NODE} }
    }
  }
`;
const ACCOUNT = `
  query($provider: Provider!, $from: LocalDate!, $to: LocalDate!, $timeZone: String, $after: String) {
    account(provider: $provider) {
      transactions(from: $from, to: $to, timeZone: $timeZone, first: 100, after: $after) {
        partial pageInfo { hasNextPage endCursor } nodes { ${NODE} }
      }
    }
  }
`;

type Node = { id: string; provider: string; createdAt: string; direction: string; kind: string; status: string; amount: { amount: string; currency: string } };

/** The feed's order: newest first, then provider, then the provider's id. */
function order(a: Node, b: Node): number {
  const [ta, tb] = [Date.parse(a.createdAt), Date.parse(b.createdAt)];
  if (ta !== tb) return tb - ta;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  const [ia, ib] = [localIdOf(a.id), localIdOf(b.id)];
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** One provider's whole listing, every page of Account.transactions. */
async function accountListing(gw: TestGateway, provider: string, from: string, to: string, timeZone?: string): Promise<Node[]> {
  const all: Node[] = [];
  let after: string | undefined;
  for (;;) {
    const { body } = await gw.query(ACCOUNT, { provider, from, to, timeZone, after });
    expect(body.errors).toBeUndefined();
    const connection = body.data.account.transactions;
    all.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return all;
    after = connection.pageInfo.endCursor;
  }
}

/** Both providers' listings merged in the feed's order: what activity must answer. */
async function mergedListings(gw: TestGateway, from: string, to: string, timeZone = 'America/Argentina/Buenos_Aires'): Promise<Node[]> {
  const [telepagos, tupay] = await Promise.all([accountListing(gw, 'TELEPAGOS', from, to, timeZone), accountListing(gw, 'TUPAY', from, to, timeZone)]);
  return [...telepagos, ...tupay].sort(order);
}

/** Every page of activity with `first`, and the answers. */
async function pageThrough(gw: TestGateway, variables: Record<string, unknown>, first: number) {
  const nodes: Node[] = [];
  const pages: any[] = [];
  let after: string | undefined;
  for (let i = 0; i < 500; i++) {
    const { body } = await gw.query(ACTIVITY, { ...variables, first, after });
    expect(body.errors).toBeUndefined();
    const connection = body.data.activity;
    pages.push(connection);
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return { nodes, pages };
    after = connection.pageInfo.endCursor;
  }
  throw new Error('activity never ended');
}

async function post(url: string, body: unknown): Promise<any> {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${url} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text);
}

const upstreamCalls = (gw: TestGateway) =>
  gw.sandboxes.telepagos.log.count('GET /v2/account/transactions') +
  gw.sandboxes.tupay.log.count('GET /v1/deposits') +
  gw.sandboxes.tupay.log.count('GET /v1/cashout');

describe('activity: one newest-first feed over every provider', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('paging with first: 7 over a range crossing TelePagos pages and Tupay windows returns the merged listings exactly once, in order', async () => {
    const range = { from: '2025-12-10', to: '2026-01-15' };
    const expected = await mergedListings(gw(), range.from, range.to);
    // The range is worth paging: several TelePagos pages of 15, Tupay rows in more than one walk window.
    expect(expected.filter((n) => n.provider === 'TELEPAGOS').length).toBeGreaterThan(45);
    expect(expected.filter((n) => n.provider === 'TUPAY').length).toBeGreaterThan(45);
    gw().clearLogs();

    const { nodes, pages } = await pageThrough(gw(), range, 7);
    expect(nodes.map((n) => n.id)).toEqual(expected.map((n) => n.id));
    expect(nodes).toEqual(expected);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    expect(pages.slice(0, -1).every((p) => p.nodes.length === 7)).toBe(true);
    expect(pages.every((p) => p.partial === false && p.totalCount === null)).toBe(true);
    expect(pages[0].pageInfo.hasPreviousPage).toBe(false);
    expect(pages[1].pageInfo.hasPreviousPage).toBe(true);

    // Any edge's cursor resumes right after that edge.
    const middle = pages[3];
    const { body } = await gw().query(ACTIVITY, { ...range, first: 5, after: middle.edges[2].cursor });
    const start = expected.findIndex((n) => n.id === middle.nodes[2].id) + 1;
    expect(body.data.activity.nodes.map((n: Node) => n.id)).toEqual(expected.slice(start, start + 5).map((n) => n.id));
  });

  it('a first page asks each provider only for the steps its rows need', async () => {
    const { body } = await gw().query(ACTIVITY, { from: '2025-10-01', to: '2026-01-15', first: 7 });
    expect(body.data.activity.nodes).toHaveLength(7);
    // The newest 8 rows (7 and one for hasNextPage) sit on TelePagos page 1 and in Tupay's first week.
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/transactions')).toBe(1);
    expect(gw().sandboxes.tupay.log.count('GET /v1/deposits')).toBe(1);
    expect(gw().sandboxes.tupay.log.count('GET /v1/cashout')).toBe(1);
  });

  it('rows of both providers at the same second, across a TelePagos page boundary and some identical, are neither skipped nor repeated', async () => {
    const { telepagos, tupay } = gw().sandboxes;
    const at = '2026-01-13T15:00:00Z';
    // 20 TelePagos rows at one second, 16 of them identical: more than a page of 15, so the identical
    // rows span two pages (the same content twice is two transactions with two ids, counted across pages).
    for (let i = 0; i < 4; i++) await post(`${telepagos.url}/_sandbox/transactions`, { at, amount: `${100 + i}.00`, holder: `Tie ${i}` });
    for (let i = 0; i < 16; i++) await post(`${telepagos.url}/_sandbox/transactions`, { at, amount: '999.99', holder: 'Same Row' });
    for (let i = 0; i < 3; i++) await post(`${tupay.url}/_sandbox/deposits`, { amount: `${20 + i}.00`, createdAt: at });
    await post(`${tupay.url}/_sandbox/cashouts`, { amount: '55.00', createdAt: at });

    const range = { from: '2026-01-13', to: '2026-01-13' };
    const expected = await mergedListings(gw(), range.from, range.to);
    const tied = expected.filter((n) => n.createdAt === '2026-01-13T15:00:00.000Z');
    expect(tied.filter((n) => n.provider === 'TELEPAGOS')).toHaveLength(20);
    expect(tied.filter((n) => n.provider === 'TUPAY')).toHaveLength(4);
    expect(new Set(tied.map((n) => n.id)).size).toBe(24);

    for (const first of [3, 7, 16]) {
      const { nodes } = await pageThrough(gw(), range, first);
      expect(nodes.map((n) => n.id)).toEqual(expected.map((n) => n.id));
    }
    // Within the second: TelePagos rows first (provider order), each provider's by id.
    const { nodes } = await pageThrough(gw(), range, 100);
    const second = nodes.filter((n) => n.createdAt === '2026-01-13T15:00:00.000Z');
    expect(second.map((n) => n.provider)).toEqual([...Array(20).fill('TELEPAGOS'), ...Array(4).fill('TUPAY')]);
  });

  it('a busy Tupay window (walk windows shrink after it) still pages into the merged listings exactly', async () => {
    const { tupay } = gw().sandboxes;
    // 260 deposits in one December afternoon: more than five Tupay pages in the walk's first week.
    const start = Date.parse('2025-12-05T15:00:00Z');
    for (let i = 0; i < 260; i++)
      await post(`${tupay.url}/_sandbox/deposits`, { amount: `${10 + (i % 50)}.00`, createdAt: new Date(start + i * 37_000).toISOString() });
    const range = { from: '2025-11-20', to: '2025-12-10' };
    const expected = await mergedListings(gw(), range.from, range.to);
    expect(expected.filter((n) => n.provider === 'TUPAY').length).toBeGreaterThan(300);
    gw().clearLogs();
    const { nodes, pages } = await pageThrough(gw(), range, 40);
    expect(nodes.map((n) => n.id)).toEqual(expected.map((n) => n.id));
    // Each page re-reads at most its cursor's window: a few Tupay pages per feed page, not the whole range.
    const tupayCalls = gw().sandboxes.tupay.log.count('GET /v1/deposits') + gw().sandboxes.tupay.log.count('GET /v1/cashout');
    expect(tupayCalls / pages.length).toBeLessThan(8);
  });

  it('a provider failing mid-way: its rows are missing, an error names it at the field, partial is true; the next page goes on', async () => {
    const range = { from: '2025-12-20', to: '2026-01-15' };
    const expected = await mergedListings(gw(), range.from, range.to);
    const first = await gw().query(ACTIVITY, { ...range, first: 10 });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.activity.nodes.map((n: Node) => n.id)).toEqual(expected.slice(0, 10).map((n) => n.id));

    // TelePagos goes down (every attempt and retry answers 503).
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/transactions', mode: 'status', status: 503 });
    const second = await gw().query(ACTIVITY, { ...range, first: 10, after: first.body.data.activity.pageInfo.endCursor });
    const failed = second.body.data.activity;
    expect(failed.partial).toBe(true);
    expect(failed.nodes.length).toBe(10);
    expect(failed.nodes.every((n: Node) => n.provider === 'TUPAY')).toBe(true);
    expect(second.body.errors).toHaveLength(1);
    expect(second.body.errors![0]!.path).toEqual(['activity']);
    expect(second.body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS' });
    // The Tupay rows are the right ones: the next Tupay rows of the merged list, in order.
    const tupayAfter = expected.slice(10).filter((n) => n.provider === 'TUPAY');
    expect(failed.nodes.map((n: Node) => n.id)).toEqual(tupayAfter.slice(0, 10).map((n) => n.id));

    // TelePagos is back: the next page has both providers again, every row older than the last one
    // shown, none repeated, in the merged order.
    gw().sandboxes.telepagos.faults.clear();
    const third = await gw().query(ACTIVITY, { ...range, first: 10, after: failed.pageInfo.endCursor });
    expect(third.body.errors).toBeUndefined();
    const resumed = third.body.data.activity;
    expect(resumed.partial).toBe(false);
    const lastShown = failed.nodes.at(-1);
    const rest = expected.slice(expected.findIndex((n) => n.id === lastShown.id) + 1);
    expect(resumed.nodes.map((n: Node) => n.id)).toEqual(rest.slice(0, 10).map((n) => n.id));
    expect(resumed.nodes.some((n: Node) => n.provider === 'TELEPAGOS')).toBe(true);
  });

  it('time zones, one rule: a row at 23:30 Lima time is on that Lima day and on the next Argentina day, for every provider', async () => {
    const { telepagos, tupay } = gw().sandboxes;
    // 2026-01-05 23:30 in Lima (UTC−5) is 2026-01-06 01:30 in Buenos Aires (UTC−3).
    const at = '2026-01-06T04:30:00Z';
    await post(`${tupay.url}/_sandbox/deposits`, { amount: '77.70', createdAt: at });
    await post(`${telepagos.url}/_sandbox/transactions`, { at, amount: '7770.00', holder: 'Zona Horaria' });
    const edge = (nodes: Node[]) => nodes.filter((n) => n.createdAt === '2026-01-06T04:30:00.000Z').map((n) => n.provider);

    const lima5 = await pageThrough(gw(), { from: '2026-01-05', to: '2026-01-05', timeZone: 'America/Lima' }, 100);
    expect(edge(lima5.nodes)).toEqual(['TELEPAGOS', 'TUPAY']);
    const argentina6 = await pageThrough(gw(), { from: '2026-01-06', to: '2026-01-06' }, 100);
    expect(edge(argentina6.nodes)).toEqual(['TELEPAGOS', 'TUPAY']);
    const argentina5 = await pageThrough(gw(), { from: '2026-01-05', to: '2026-01-05', timeZone: 'America/Argentina/Buenos_Aires' }, 100);
    expect(edge(argentina5.nodes)).toEqual([]);
    const lima6 = await pageThrough(gw(), { from: '2026-01-06', to: '2026-01-06', timeZone: 'America/Lima' }, 100);
    expect(edge(lima6.nodes)).toEqual([]);
    // Every row of a Lima day is within that day's Lima instants, and the feed equals the listings read in Lima.
    const [start, end] = [Date.parse('2026-01-05T05:00:00Z'), Date.parse('2026-01-06T05:00:00Z')];
    expect(lima5.nodes.every((n) => Date.parse(n.createdAt) >= start && Date.parse(n.createdAt) < end)).toBe(true);
    expect(lima5.nodes.map((n) => n.id)).toEqual((await mergedListings(gw(), '2026-01-05', '2026-01-05', 'America/Lima')).map((n) => n.id));

    // Account.transactions reads the same rule (its default stays the account's own zone).
    const tupayLima = await accountListing(gw(), 'TUPAY', '2026-01-05', '2026-01-05');
    const tupayArgentina = await accountListing(gw(), 'TUPAY', '2026-01-06', '2026-01-06', 'America/Argentina/Buenos_Aires');
    const telepagosLima = await accountListing(gw(), 'TELEPAGOS', '2026-01-05', '2026-01-05', 'America/Lima');
    for (const listing of [tupayLima, tupayArgentina, telepagosLima]) expect(listing.some((n) => n.createdAt === '2026-01-06T04:30:00.000Z')).toBe(true);
    expect((await accountListing(gw(), 'TELEPAGOS', '2026-01-05', '2026-01-05')).some((n) => n.createdAt === '2026-01-06T04:30:00.000Z')).toBe(false);

    // The summary's buckets follow the zone too.
    const summary = async (timeZone: string, from: string) =>
      (
        await gw().query(
          `{ activitySummary(from: "${from}", to: "${from}", timeZone: "${timeZone}", filter: { currencies: [PEN], minAmount: "77.70", maxAmount: "77.70" }) { buckets { start count } } }`,
        )
      ).body.data.activitySummary.buckets;
    expect(await summary('America/Lima', '2026-01-05')).toEqual([{ start: '2026-01-05', count: 1 }]);
    expect(await summary('America/Argentina/Buenos_Aires', '2026-01-06')).toEqual([{ start: '2026-01-06', count: 1 }]);
  });

  it('activitySummary: per bucket and currency, exact totals in and out and net equal the sums of the listed rows', async () => {
    const range = { from: '2025-11-20', to: '2026-01-15' };
    const rows = await mergedListings(gw(), range.from, range.to);
    const dayOf = (n: Node) => new Date(Date.parse(n.createdAt) - 3 * 3_600_000).toISOString().slice(0, 10);
    const mondayOf = (day: string) => {
      const d = new Date(`${day}T00:00:00Z`);
      return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    };
    const groupings: Record<string, (n: Node) => string> = { DAY: dayOf, WEEK: (n) => mondayOf(dayOf(n)), MONTH: (n) => `${dayOf(n).slice(0, 7)}-01` };
    for (const [groupBy, bucketOf] of Object.entries(groupings)) {
      const expected = new Map<string, { count: number; in: Big; out: Big }>();
      for (const n of rows) {
        const key = `${bucketOf(n)}|${n.amount.currency}`;
        const b = expected.get(key) ?? { count: 0, in: new Big(0), out: new Big(0) };
        b.count++;
        if (n.direction === 'IN') b.in = b.in.plus(n.amount.amount);
        else b.out = b.out.plus(n.amount.amount);
        expected.set(key, b);
      }
      const { body } = await gw().query(
        `query($from: LocalDate!, $to: LocalDate!, $groupBy: ActivityGroupBy!) { activitySummary(from: $from, to: $to, groupBy: $groupBy) {
          partial buckets { start currency count totalIn { amount currency } totalOut { amount currency } net { amount currency } } } }`,
        { ...range, groupBy },
      );
      expect(body.errors).toBeUndefined();
      const summary = body.data.activitySummary;
      expect(summary.partial).toBe(false);
      expect(summary.buckets.map((b: any) => `${b.start}|${b.currency}`)).toEqual([...expected.keys()].sort());
      for (const b of summary.buckets) {
        const e = expected.get(`${b.start}|${b.currency}`)!;
        expect(b.count).toBe(e.count);
        expect(b.totalIn.amount).toMatch(/^\d+\.\d{2,}$/);
        expect(new Big(b.totalIn.amount).eq(e.in)).toBe(true);
        expect(new Big(b.totalOut.amount).eq(e.out)).toBe(true);
        expect(new Big(b.net.amount).eq(e.in.minus(e.out))).toBe(true);
        expect(b.net.currency).toBe(b.currency);
      }
      if (groupBy === 'WEEK') expect(summary.buckets.every((b: any) => new Date(`${b.start}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    }
    // Filters narrow the count exactly (amount range, direction, provider).
    const { body } = await gw().query(
      `{ activitySummary(from: "${range.from}", to: "${range.to}", groupBy: MONTH, filter: { providers: [TUPAY], direction: OUT, minAmount: "100", maxAmount: "1000.50" }) { buckets { count } } }`,
    );
    const narrowed = rows.filter(
      (n) => n.provider === 'TUPAY' && n.direction === 'OUT' && new Big(n.amount.amount).gte(100) && new Big(n.amount.amount).lte('1000.50'),
    ).length;
    expect(body.data.activitySummary.buckets.reduce((sum: number, b: any) => sum + b.count, 0)).toBe(narrowed);
  });

  it('filters: provider, direction, kind, status and amount range narrow the feed exactly', async () => {
    const range = { from: '2026-01-01', to: '2026-01-15' };
    const rows = await mergedListings(gw(), range.from, range.to);
    const filter = { direction: 'IN', kinds: ['DEPOSIT', 'TRANSFER'], statuses: ['COMPLETED'], minAmount: '50', maxAmount: '60000' };
    const expected = rows.filter(
      (n) =>
        n.direction === 'IN' &&
        ['DEPOSIT', 'TRANSFER'].includes(n.kind) &&
        n.status === 'COMPLETED' &&
        new Big(n.amount.amount).gte(50) &&
        new Big(n.amount.amount).lte(60000),
    );
    expect(expected.length).toBeGreaterThan(10);
    const { nodes } = await pageThrough(gw(), { ...range, filter }, 9);
    expect(nodes.map((n) => n.id)).toEqual(expected.map((n) => n.id));
    const onlyTupay = await pageThrough(gw(), { ...range, filter: { providers: ['TUPAY'], kinds: ['CASHOUT'] } }, 50);
    expect(onlyTupay.nodes.map((n) => n.id)).toEqual(rows.filter((n) => n.provider === 'TUPAY' && n.kind === 'CASHOUT').map((n) => n.id));
  });

  it('refuses bad arguments before any provider call: time zone, range, amounts, cursors', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ from: '2026-01-01', to: '2026-01-15', timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ from: '2026-01-01', to: '2026-01-15', timeZone: '-05:00' }, 'timeZone'],
      [{ from: '2026-01-15', to: '2026-01-01' }, 'from'],
      [{ from: '2024-01-01', to: '2026-01-15' }, 'to'],
      [{ from: '2026-01-01', to: '2026-01-15', filter: { minAmount: '10', maxAmount: '5' } }, 'filter'],
      [{ from: '2026-01-01', to: '2026-01-15', after: 'not-a-cursor' }, 'after'],
      [{ from: '2026-01-01', to: '2026-01-15', first: 0 }, 'first'],
    ];
    for (const [variables, field] of cases) {
      const { body } = await gw().query(ACTIVITY, variables);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // A cursor of another query (another range) is refused too, as is an edited one.
    const page = await gw().query(ACTIVITY, { from: '2026-01-10', to: '2026-01-15', first: 3 });
    const cursor = page.body.data.activity.pageInfo.endCursor;
    gw().clearLogs();
    const other = await gw().query(ACTIVITY, { from: '2026-01-09', to: '2026-01-15', first: 3, after: cursor });
    expect(other.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    json.s.TELEPAGOS = { p: { offset: -5, carry: { date: '', counts: {} } } };
    const edited = await gw().query(ACTIVITY, {
      from: '2026-01-10',
      to: '2026-01-15',
      first: 3,
      after: Buffer.from(JSON.stringify(json)).toString('base64url'),
    });
    expect(edited.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const summary = await gw().query('{ activitySummary(from: "2026-01-01", to: "2026-01-02", timeZone: "Nowhere/Town") { partial } }');
    expect(summary.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
    const account = await gw().query('{ account(provider: TUPAY) { transactions(from: "2026-01-01", to: "2026-01-02", timeZone: "UTC+5") { partial } } }');
    expect(account.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
    // The edited cursor reached no provider with a bad position; nothing else was asked at all.
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/transactions')).toBe(0);
    expect(upstreamCalls(gw())).toBeLessThanOrEqual(2);
  });
});
