/**
 * `nodes(ids: $variable)`: validation cannot see the list and prices it as 10 ids; the resolver re-prices
 * the operation with the real list before fetching anything, so a variable list costs what the same list
 * written inline costs (one provider call per id, the limit 60), over HTTP and graphql-ws alike.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';

/** A Cashout global id: resolving one calls TelePagos. */
const cashoutId = (n: number) => Buffer.from(`Cashout:TELEPAGOS:${100_000 + n}`).toString('base64');
const ids = (count: number) => Array.from({ length: count }, (_, i) => cashoutId(i));

function upstreamCalls(gw: TestGateway): number {
  return gw.sandboxes.telepagos.log.count() + gw.sandboxes.talo.log.count() + gw.sandboxes.tupay.log.count();
}

describe('nodes with a variable list of ids', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  describe.each(TRANSPORTS)('over $name', (t) => {
    it('refuses 61 ids in a variable, as the same 61 ids inline are refused, with no provider call', async () => {
      const { body } = await t.send(gw(), 'query Many($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(61) });
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors?.[0]?.message).toMatch(/cost about 61 provider calls; the limit is 60/);
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('refuses six aliased nodes of 20 variable ids each (priced 60 while validating, 120 calls if it ran)', async () => {
      const query = `query Many($ids: [ID!]!) { ${Array.from({ length: 6 }, (_, i) => `n${i}: nodes(ids: $ids) { id }`).join(' ')} }`;
      const { body } = await t.send(gw(), query, { ids: ids(20) });
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors?.[0]?.message).toMatch(/cost about 120 provider calls/);
      expect(upstreamCalls(gw())).toBe(0);
    });

    it('counts what each id asks for below it: 25 ids with their vouchers are 50 calls (allowed), 31 are 62 (refused)', async () => {
      const query = 'query Many($ids: [ID!]!) { nodes(ids: $ids) { id ... on Cashout { voucher } } }';
      const refused = await t.send(gw(), query, { ids: ids(31) });
      expect(refused.body.errors?.[0]?.message).toMatch(/cost about 62 provider calls/);
      expect(upstreamCalls(gw())).toBe(0);

      const allowed = await t.send(gw(), query, { ids: ids(25) });
      expect(allowed.body.errors?.filter((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX') ?? []).toEqual([]);
      expect(allowed.body.data?.nodes).toHaveLength(25);
      expect(upstreamCalls(gw())).toBeGreaterThan(0);
    });

    it('runs 60 ids in a variable (the budget exactly)', async () => {
      const { body } = await t.send(gw(), 'query Many($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(60) });
      expect(body.errors?.filter((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX') ?? []).toEqual([]);
      expect(body.data?.nodes).toHaveLength(60);
    });
  });
});
