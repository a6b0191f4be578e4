/**
 * The operation pipeline (src/graphql/pipeline.ts) holds on every transport: the client's rate limit per
 * operation, scopes, the request deadline, audit lines for mutations, metrics, and cancellation when
 * the client goes away. Each case runs over HTTP and over graphql-ws (test/helpers/transports.ts).
 */
import { createHash } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';
import { beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { leakRecorder } from '../helpers/leaks.js';
import { TRANSPORTS } from '../helpers/transports.js';

const keyOf = (name: string) => `pipeline-test-${name}-0123456789`;
const digest = (key: string) => createHash('sha256').update(key).digest('hex');
const clients = () =>
  ClientRegistry.fromJson([
    { name: 'reader', keySha256: digest(keyOf('reader')), scopes: ['read'] },
    { name: 'payer', keySha256: digest(keyOf('payer')), scopes: ['read', 'cashout'] },
    // Three operations, then one every 100 s: the test never sees a token come back.
    { name: 'bursty', keySha256: digest(keyOf('bursty')), scopes: ['read'], rateLimit: { perSecond: 0.01, burst: 3 } },
  ]);
const auth = (name: string) => ({ authorization: `Bearer ${keyOf(name)}` });

function upstreamCalls(gw: TestGateway): number {
  return gw.sandboxes.telepagos.log.count() + gw.sandboxes.talo.log.count() + gw.sandboxes.tupay.log.count();
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function metricsText(gw: TestGateway): Promise<string> {
  return (await request(`${gw.url}/metrics`)).body.text();
}

describe.each(TRANSPORTS)('the pipeline over $name', (t) => {
  const recorder = leakRecorder();
  const gw = useTestGateway({ clients: clients(), logger: recorder.logger, env: { REQUEST_DEADLINE_MS: '400', UPSTREAM_TIMEOUT_MS: '60000' } });
  beforeEach(() => gw().clearLogs());

  it('applies the client rate limit per operation: the fourth of a burst of three is RATE_LIMITED, with no provider call', async () => {
    const send = () => t.send(gw(), '{ salePoints { id } }', undefined, auth('bursty'));
    const served = [await send(), await send(), await send()];
    const callsWhenServed = upstreamCalls(gw());
    const limited = [await send(), await send(), await send()];
    for (const answer of served) expect(answer.body.data?.salePoints?.length).toBeGreaterThan(0);
    for (const answer of limited) {
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(answer.body.errors![0]!.extensions!.requestId).toEqual(expect.any(String));
      expect(answer.body.errors![0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
      if (t.name !== 'ws') expect(answer.status).toBe(429);
    }
    expect(callsWhenServed).toBeGreaterThan(0);
    expect(upstreamCalls(gw())).toBe(callsWhenServed);
  });

  it('refuses a mutation to a key without its scope (FORBIDDEN), moving no money', async () => {
    const { body } = await t.send(
      gw(),
      'mutation { createCashout(input: { referenceId: "scope-1", alias: "pasarela.demo", cuit: "20123456786", amount: "1.00", concept: "VAR", description: "x" }) { cashout { id } } }',
      undefined,
      auth('reader'),
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
    expect(upstreamCalls(gw())).toBe(0);
  });

  it('writes the audit line of a mutation, under the operation’s request id', async () => {
    const before = recorder.lines.length;
    const { body } = await t.send(
      gw(),
      'mutation Pay($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code } } }',
      { input: { referenceId: `audit-${t.name}-1`, alias: 'pasarela.demo', cuit: '20-12345678-6', amount: '3.00', concept: 'VAR', description: 'audit' } },
      { ...auth('payer'), 'x-request-id': `rid-audit-${t.name}` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.createCashout.cashout.id).toEqual(expect.any(String));
    const audits = recorder.lines
      .slice(before)
      .map((line) => JSON.parse(line))
      .filter((line) => line.audit !== undefined);
    expect(audits.length).toBeGreaterThan(0);
    for (const line of audits) {
      expect(line.requestId).toBe(`rid-audit-${t.name}`);
      expect(line.client).toBe('payer');
    }
  });

  it('ends an operation whose provider hangs at the request deadline, with PROVIDER_UNAVAILABLE at its path', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'hang' });
    const started = performance.now();
    const { body } = await t.send(gw(), '{ account(provider: TELEPAGOS) { balance { amount } } }', undefined, auth('reader'));
    const elapsed = performance.now() - started;
    expect(body.errors?.[0]?.path).toEqual(['account', 'balance']);
    expect(body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(body.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
    // The 60 s per-call timeout could not have ended it: only the 400 ms deadline.
    expect(elapsed).toBeLessThan(10_000);
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/balance')).toBeGreaterThan(0);
  });

  it('counts and times the operation in the metrics, by name and client', async () => {
    const { body } = await t.send(gw(), `query Counted${t.name} { salePoints { id } }`, undefined, auth('reader'));
    expect(body.errors).toBeUndefined();
    const text = await metricsText(gw());
    expect(text).toMatch(new RegExp(`pasarela_graphql_operations_total\\{[^}]*operation="Counted${t.name}"[^}]*client="reader"[^}]*\\} 1`));
    expect(text).toMatch(new RegExp(`pasarela_graphql_operation_duration_seconds_count\\{[^}]*operation="Counted${t.name}"`));
  });
});

describe('graphql-ws connections', () => {
  const gw = useTestGateway({ clients: clients(), env: { REQUEST_DEADLINE_MS: '60000', UPSTREAM_TIMEOUT_MS: '60000' } });
  beforeEach(() => gw().clearLogs());

  function connect(name: string) {
    return createClient({ url: gw().wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: auth(name) });
  }

  it('hold every operation of one connection to the rate limit: three of six answered', async () => {
    const client = connect('bursty');
    try {
      const results = [];
      for (let i = 0; i < 6; i++) {
        results.push(
          await new Promise<{ data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }>((resolve) => {
            let first: { data?: unknown } | undefined;
            client.subscribe(
              { query: '{ salePoints { id } }' },
              { next: (result) => void (first ??= result), error: (errors) => resolve({ errors: errors as never }), complete: () => resolve(first ?? {}) },
            );
          }),
        );
      }
      expect(results.filter((result) => result.data)).toHaveLength(3);
      expect(results.filter((result) => result.errors?.[0]?.extensions?.code === 'RATE_LIMITED')).toHaveLength(3);
    } finally {
      await client.dispose();
    }
  });

  it('cancel the upstream calls of their operations when the socket closes', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'hang' });
    const client = connect('reader');
    client.subscribe(
      { query: '{ account(provider: TELEPAGOS) { balance { amount } } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    await until(() => gw().sandboxes.telepagos.log.count('GET /v2/account/balance') > 0, 'the provider to receive the call');
    await client.dispose();
    await until(
      async () => /pasarela_upstream_calls_total\{[^}]*endpoint="GET v2\/account\/balance"[^}]*outcome="cancelled"[^}]*\} [1-9]/.test(await metricsText(gw())),
      'the upstream call to be cancelled',
    );
  });
});
