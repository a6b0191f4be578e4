/**
 * Every door runs its operations on one executor (src/graphql/executor.ts): a document's first run is
 * on graphql-js, its second on graphql-jit (when graphql-jit may run it), whichever door each came by.
 * So each case below sends the same text twice — first over WebSocket (graphql-js), then over HTTP
 * (graphql-jit), or by APQ hash — against the same sandboxes, and every answer — data, errors, their
 * messages, paths, locations and codes — must be the same on both engines. Plus which documents
 * graphql-jit runs at all.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { JIT_AFTER_RUNS, runsOnJit } from '../../src/graphql/jit.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
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

let sent = 0;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The same document on both engines: graphql-js over WebSocket first, then graphql-jit over HTTP. */
async function both(query: string, variables: Record<string, unknown> = {}) {
  // A text of its own (a comment changes no answer), so its plan starts afresh.
  const text = `${query}\n# case ${++sent}`;
  const hash = sha256(text);
  let viaGraphqlJs;
  for (let run = 1; run < JIT_AFTER_RUNS; run++) viaGraphqlJs = await ws!.send(gw(), text, variables);
  expect(gw().gateway.executor.engineOf(hash)).toBe('graphql-js');
  const viaJit = await http!.send(gw(), text, variables);
  expect(gw().gateway.executor.engineOf(hash)).toBe('graphql-jit');
  expect(comparable(viaJit.body)).toEqual(comparable(viaGraphqlJs!.body));
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

describe('a document sent by id runs on the same executor', () => {
  it('registered by APQ (graphql-js), then run by its hash (graphql-jit): the same answer', async () => {
    const text = `${operation('dashboard')}\n# by id`;
    const hash = sha256(text);
    const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };
    const headers = { 'content-type': 'application/json' };
    const registered = await call(gw().url, 'POST', 'graphql', { body: { query: text, variables: RANGE, extensions: persisted }, headers });
    expect(gw().gateway.executor.engineOf(hash)).toBe('graphql-js');
    const byHash = await call(gw().url, 'POST', 'graphql', { body: { variables: RANGE, extensions: persisted }, headers });
    expect(gw().gateway.executor.engineOf(hash)).toBe('graphql-jit');
    expect(registered.body.errors).toBeUndefined();
    expect(byHash.body).toEqual(registered.body);
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
