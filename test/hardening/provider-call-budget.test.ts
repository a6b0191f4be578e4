/**
 * Issue 26, finding 1 and 5: one request may not turn into hundreds of provider calls. `activity`,
 * `activitySummary` and the CSV export are priced from their arguments before anything is fetched (a
 * filter that matches nothing walks the whole range), within the same per-operation budget as every
 * other field, over HTTP and WebSocket, with the arguments written inline or as variables; what the data
 * alone decides is stopped at run time by MAX_PROVIDER_CALLS_PER_OPERATION, with a clear partial error at
 * the field's path. Forged cursors are refused whole, before any provider is asked.
 *
 * The sandboxes hold their default history: 180 days of TelePagos rows (about 6 a day, some 70 pages of
 * 15) and Tupay's deposits and cash-outs.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { LIMITS } from '../../src/graphql/limits.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';

/** Every request the sandboxes received since the last clearLogs (tokens are warmed up before each test). */
function upstreamCalls(gw: TestGateway): number {
  return gw.sandboxes.telepagos.log.count() + gw.sandboxes.talo.log.count() + gw.sandboxes.tupay.log.count();
}

const NOTHING_MATCHES = '{ minAmount: "49999999" }';
/** Six distinct 366-day ranges ending on the sandboxes' last days. */
const RANGES = Array.from({ length: 6 }, (_, i) => {
  const to = new Date(Date.UTC(2026, 0, 15 - i));
  const from = new Date(to.getTime() - 365 * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
});

/** The finding's document: six aliases over distinct 366-day ranges with a filter nothing matches (741 bytes then). */
const SIX_ALIASES = `{ ${RANGES.map((r, i) => `a${i}: activity(from: "${r.from}", to: "${r.to}", filter: ${NOTHING_MATCHES}) { partial nodes { id } }`).join(
  ' ',
)} }`;

/** The same with every argument a variable: priced again with their values before it runs. */
const SIX_ALIASES_VARIABLES = `query Six($filter: ActivityFilter, ${RANGES.map((_, i) => `$f${i}: LocalDate!, $t${i}: LocalDate!`).join(', ')}) { ${RANGES.map(
  (_, i) => `a${i}: activity(from: $f${i}, to: $t${i}, filter: $filter) { partial nodes { id } }`,
).join(' ')} }`;
const SIX_VARIABLES = Object.fromEntries([
  ['filter', { minAmount: '49999999' }],
  ...RANGES.flatMap((r, i) => [
    [`f${i}`, r.from],
    [`t${i}`, r.to],
  ]),
]);

const ACTIVITY = `query($from: LocalDate!, $to: LocalDate!, $filter: ActivityFilter, $first: Int, $after: String) {
  activity(from: $from, to: $to, filter: $filter, first: $first, after: $after) { partial pageInfo { hasNextPage endCursor } nodes { id } }
}`;

const cursorJson = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
const cursorOf = (json: unknown) => Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');

describe('provider calls per operation', () => {
  const gw = useTestGateway();
  beforeAll(async () => {
    // Tokens and sessions first: each test counts the calls its operation makes, nothing else.
    const { body } = await gw().query('{ accounts { provider balance { amount } } }');
    expect(body.errors).toBeUndefined();
  });
  beforeEach(() => gw().clearLogs());

  describe.each(TRANSPORTS)('over $name', (t) => {
    it('refuses the six 366-day aliases with a filter nothing matches, before any provider call', async () => {
      const { status, body } = await t.send(gw(), SIX_ALIASES);
      if (t.name !== 'ws') expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors?.[0]?.message).toMatch(new RegExp(`the limit is ${LIMITS.maxUpstreamCost}`));
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('refuses the same document with its ranges and filter as variables, priced with their values before it runs', async () => {
      const { status, body } = await t.send(gw(), SIX_ALIASES_VARIABLES, SIX_VARIABLES);
      if (t.name !== 'ws') expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('still runs one short range with variables (priced within the budget)', async () => {
      const { body } = await t.send(gw(), ACTIVITY, { from: '2026-01-01', to: '2026-01-15', first: 20 });
      expect(body.errors).toBeUndefined();
      expect(body.data.activity.nodes).toHaveLength(20);
      expect(upstreamCalls(gw())).toBeGreaterThan(0);
    });

    it('stops a priced-within-budget walk that its data makes longer at the ceiling, with a partial error at the field', async () => {
      // 180 days with a filter nothing matches: priced within the budget, but the sandbox's ~70 TelePagos
      // pages are more than the ceiling lets one operation read.
      const { body } = await t.send(gw(), ACTIVITY, { from: '2025-07-20', to: '2026-01-15', filter: { minAmount: '49999999' } });
      expect(body.data.activity.partial).toBe(true);
      expect(body.data.activity.nodes).toEqual([]);
      const ceiling = body.errors?.find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX');
      expect(ceiling?.path).toEqual(['activity']);
      expect(ceiling?.message).toMatch(/MAX_PROVIDER_CALLS_PER_OPERATION/);
      expect(ceiling?.extensions?.provider).toBe('TELEPAGOS');
      expect(upstreamCalls(gw())).toBeLessThanOrEqual(LIMITS.maxUpstreamCost);
      expect(upstreamCalls(gw())).toBeGreaterThan(LIMITS.maxUpstreamCost / 2);
    });

    it('bounds activitySummary the same way: two year-long aliases are refused, one is stopped at the ceiling', async () => {
      const year = `from: "${RANGES[0]!.from}", to: "${RANGES[0]!.to}"`;
      const two = await t.send(gw(), `{ a: activitySummary(${year}) { partial } b: activitySummary(${year}, groupBy: MONTH) { partial } }`);
      expect(two.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(upstreamCalls(gw())).toBe(0);

      const one = await t.send(gw(), `{ activitySummary(${year}) { partial buckets { count } } }`);
      expect(one.body.data.activitySummary.partial).toBe(true);
      expect(one.body.errors?.find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')?.path).toEqual(['activitySummary']);
      expect(upstreamCalls(gw())).toBeLessThanOrEqual(LIMITS.maxUpstreamCost);
    });

    describe('forged cursors are refused whole, before any provider call', () => {
      let cursor: any;
      const variables = { from: '2025-12-01', to: '2026-01-15', first: 5 };
      beforeAll(async () => {
        const { body } = await t.send(gw(), ACTIVITY, variables);
        cursor = cursorJson(body.data.activity.pageInfo.endCursor);
        // The first page's cursor holds a place for both providers that walk.
        expect(Object.keys(cursor.s).sort()).toEqual(['TELEPAGOS', 'TUPAY']);
      });

      it('(the control) the cursor as issued is accepted and reads on', async () => {
        const { body } = await t.send(gw(), ACTIVITY, { ...variables, after: cursorOf(cursor) });
        expect(body.errors).toBeUndefined();
        expect(body.data.activity.nodes.length).toBeGreaterThan(0);
      });

      it.each([
        [
          'a TelePagos offset of 1e15',
          (c: any) => ({ ...c, s: { ...c.s, TELEPAGOS: { p: { offset: 1e15, total: 2e15, pageSize: 15, carry: { date: '', counts: {} } } } } }),
        ],
        [
          'a TelePagos offset off its page boundary',
          (c: any) => ({ ...c, s: { ...c.s, TELEPAGOS: { p: { offset: 7, total: 1000, pageSize: 15, carry: { date: '', counts: {} } } } } }),
        ],
        [
          'a TelePagos offset past its listing',
          (c: any) => ({ ...c, s: { ...c.s, TELEPAGOS: { p: { offset: 1500, total: 1000, pageSize: 15, carry: { date: '', counts: {} } } } } }),
        ],
        [
          'a Tupay window span of 1 s',
          (c: any) => ({ ...c, s: { ...c.s, TUPAY: { p: { end: Math.floor(Date.parse('2026-01-10T00:00:00Z') / 1000), span: 1 } } } }),
        ],
        ['a Tupay window ending outside the range', (c: any) => ({ ...c, s: { ...c.s, TUPAY: { p: { end: 4_000_000_000, span: 86_400 } } } })],
      ])('%s', async (_, forge) => {
        const { body } = await t.send(gw(), ACTIVITY, { ...variables, after: cursorOf(forge(cursor)) });
        expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(body.errors?.[0]?.extensions?.field).toBe('after');
        expect(upstreamCalls(gw())).toBe(0);
      });
    });
  });

  describe('the CSV export', () => {
    const exportCsv = async (query: string) => {
      const response = await request(`${gw().url}/exports/activity.csv?${query}`);
      return { status: response.statusCode, text: await response.body.text() };
    };

    it('stops a filter that matches nothing at the ceiling, before the first byte (400, nothing streamed)', async () => {
      const { status, text } = await exportCsv('from=2025-07-20&to=2026-01-15&minAmount=49999999');
      expect(status).toBe(400);
      const error = JSON.parse(text).errors[0];
      expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', requestId: expect.any(String) });
      expect(error.message).toMatch(/MAX_PROVIDER_CALLS_PER_OPERATION/);
      expect(upstreamCalls(gw())).toBeLessThanOrEqual(LIMITS.maxUpstreamCost);
    });

    it('exports the same range without the filter to its end: each row written earns the export one more call', async () => {
      const { status, text } = await exportCsv('from=2025-07-20&to=2026-01-15');
      expect(status).toBe(200);
      const rows = text.split('\r\n').length - 2;
      expect(rows).toBeGreaterThan(900);
      expect(upstreamCalls(gw())).toBeGreaterThan(LIMITS.maxUpstreamCost);
    });
  });
});
