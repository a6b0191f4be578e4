/**
 * Queries over HTTP run on graphql-jit (src/graphql/jit.ts); the same operations over WebSocket run on
 * graphql-js (graphql-ws calls graphql-js's execute). Both go through the same pipeline against the
 * same sandboxes, so every answer — data, errors, their messages, paths, locations and codes — must be
 * the same on both. Plus which documents graphql-jit runs at all.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { JIT_AFTER_RUNS, runsOnJit } from '../../src/graphql/jit.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { useTestGateway } from '../helpers/gateway.js';
import { TRANSPORTS } from '../helpers/transports.js';

// A high breaker threshold: the failure cases below must fail the same way on both transports.
const gw = useTestGateway({ env: { BREAKER_MIN_CALLS: '1000' } });
const [http, ws] = TRANSPORTS;

const operation = (name: string) => readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), 'utf8');
const RANGE = { from: '2026-01-01', to: '2026-01-15' };

afterEach(() => {
  for (const sandbox of [gw().sandboxes.telepagos, gw().sandboxes.talo, gw().sandboxes.tupay]) sandbox.faults.clear();
});

/**
 * An answer without what differs per request or per transport: the request id on each error, and the
 * stack trace shown outside production (its outer frames are the transport's).
 */
function comparable(body: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }) {
  return {
    ...body,
    errors: body.errors?.map((e) => ({
      ...e,
      extensions: { ...e.extensions, requestId: typeof e.extensions?.requestId, stacktrace: Array.isArray(e.extensions?.stacktrace) },
    })),
  };
}

async function both(query: string, variables: Record<string, unknown> = {}) {
  // A document runs on graphql-js until it has run JIT_AFTER_RUNS - 1 times; then it is compiled.
  for (let run = 1; run < JIT_AFTER_RUNS; run++) await http!.send(gw(), query, variables);
  const viaJit = await http!.send(gw(), query, variables);
  const viaGraphqlJs = await ws!.send(gw(), query, variables);
  expect(comparable(viaJit.body)).toEqual(comparable(viaGraphqlJs.body));
  return viaJit.body;
}

describe('graphql-jit (HTTP) answers what graphql-js (WebSocket) answers', () => {
  it('the dashboard, and the other operations/ queries', async () => {
    const dashboard = await both(operation('dashboard'), RANGE);
    expect(dashboard.errors).toBeUndefined();
    expect((dashboard.data as any).telepagos.transactions.nodes).toHaveLength(50);
    await both(operation('tupay-transactions'), RANGE);
    await both(operation('balance-report'), RANGE);
    await both(operation('sale-points'));
    await both(operation('reference-data'));
    await both(operation('statistics'), { period: '2025-12' });
  });

  it('connections with edges, cursors, filters and a second page', async () => {
    const query = `query($after: String, $filter: TransactionFilter) {
      account(provider: TELEPAGOS) {
        transactions(from: "2026-01-01", to: "2026-01-15", first: 7, after: $after, filter: $filter) {
          totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id operation providerStatus counterparty { name cuit cbu document } } }
        }
      }
    }`;
    const first = await both(query);
    const after = (first.data as any).account.transactions.pageInfo.endCursor;
    await both(query, { after });
    await both(query, { filter: { direction: 'IN', statuses: ['COMPLETED'] } });
  });

  it('a provider failing: the field is null with the same coded error', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/transactions', mode: 'status', status: 500 });
    const body = await both(operation('dashboard'), RANGE);
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.errors![0]!.path).toEqual(['telepagos', 'transactions']);
  });

  it("the sale-point list failing: each row's salePoint is null with its error", async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/payment/cashin/qr/sale-point', mode: 'status', status: 500 });
    const body = await both(operation('dashboard'), RANGE);
    expect(body.errors?.some((e) => e.path?.at(-1) === 'salePoint')).toBe(true);
  });

  it('one provider down inside accounts: partial data and the partial error', async () => {
    gw().sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'status', status: 503 });
    const body = await both('{ accounts { provider balance { amount currency } } }');
    expect(body.errors).toHaveLength(1);
  });

  it('bad arguments and bad variables: the same BAD_USER_INPUT errors', async () => {
    const bad = await both('{ account(provider: TELEPAGOS) { transactions(from: "2026-01-15", to: "2026-01-01", first: 500) { totalCount } } }');
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const badVariable = await both(operation('dashboard'), { from: 'yesterday', to: '2026-01-15' });
    expect(badVariable.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    await both(operation('dashboard'), { from: '2026-01-01' });
    await both(
      'query($f: TransactionFilter) { account(provider: TELEPAGOS) { transactions(from: "2026-01-01", to: "2026-01-15", filter: $f) { totalCount } } }',
      {
        f: { direction: 'SIDEWAYS' },
      },
    );
  });
});

describe('which documents graphql-jit runs', () => {
  it('queries without introspection or abstract types; everything else stays on graphql-js', async () => {
    const schema = await buildGatewaySchema();
    const runs = (text: string) => runsOnJit(schema, parse(text), null);
    expect(runs(operation('dashboard'))).toBe(true);
    expect(runs('{ account(provider: TELEPAGOS) { balance { amount } } }')).toBe(true);
    expect(runs(operation('node'))).toBe(false);
    expect(runs('{ __schema { queryType { name } } }')).toBe(false);
    expect(runs('query { accounts { id } ...F } fragment F on Query { __type(name: "Money") { name } }')).toBe(false);
    expect(runs('mutation { createQrCharge(input: { amount: { amount: "1.00", currency: ARS }, concept: "VAR" }) { __typename } }')).toBe(false);
  });
});
