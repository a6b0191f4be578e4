/**
 * GET /metrics after a query, a mutation (and its replay), webhooks and a failing provider call: every
 * listed series is there with its labels, and no label carries a secret or an account number.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import { telepagosSignature } from '../../src/providers/telepagos/assumptions.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway } from '../helpers/gateway.js';
import { parseMetrics, type Sample } from '../helpers/metrics.js';

const KEY = 'metrics-test-key-9f8e7d6c5b4a';
const CUIT = '20123456786';
const CBU = '2850590940090418135201';

describe('/metrics', () => {
  const gw = useTestGateway({
    clients: ClientRegistry.fromJson([
      { name: 'backoffice', keySha256: createHash('sha256').update(KEY).digest('hex'), scopes: ['read', 'cashin', 'cashout'] },
    ]),
  });
  const auth = { authorization: `Bearer ${KEY}` };
  let samples: Sample[];
  let text: string;
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

  beforeAll(async () => {
    const g = gw();
    // A query with a failing provider call (Tupay balance answers 503, retried, then given up).
    g.sandboxes.tupay.faults.add({ route: 'GET /v1/balance', mode: 'status', status: 503 });
    const read = await g.query('query MetricsRead { accounts { provider balance { amount } } paymentConcepts { id } }', undefined, auth);
    expect(read.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');

    // A mutation and its replay.
    const pay = 'mutation Pay($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code } } }';
    const input = { referenceId: 'metrics-0001', cbu: CBU, cuit: '30500010912', amount: '10.00', concept: 'VAR', description: 'metrics' };
    const first = await g.query(pay, { input }, auth);
    const replay = await g.query(pay, { input }, auth);
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    expect(replay.body.data.createCashout.cashout.id).toBe(first.body.data.createCashout.cashout.id);
    const cashoutId = Buffer.from(first.body.data.createCashout.cashout.id, 'base64').toString().split(':').at(-1)!;

    // A signed webhook (published) and an unsigned one (unauthenticated).
    const notice = JSON.stringify({ event: 'cashout.updated', id: Number(cashoutId), status: 'completed', date: '2026-01-15 09:00:00' });
    const signed = await request(`${g.url}/webhooks/telepagos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': telepagosSignature(notice, SANDBOX_CREDENTIALS.telepagos.webhookSecret) },
      body: notice,
    });
    expect(signed.statusCode).toBeLessThan(300);
    await signed.body.dump();
    const unsigned = await request(`${g.url}/webhooks/telepagos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: notice });
    expect(unsigned.statusCode).toBe(401);
    await unsigned.body.dump();

    const response = await request(`${g.url}/metrics`);
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain/);
    text = await response.body.text();
    samples = parseMetrics(text);
  });

  it('counts GraphQL operations by operation, type, client and outcome', () => {
    expect(find('pasarela_graphql_operations_total', { operation: 'MetricsRead', type: 'query', client: 'backoffice', outcome: 'error' })[0]?.value).toBe(1);
    expect(find('pasarela_graphql_operations_total', { operation: 'Pay', type: 'mutation', client: 'backoffice', outcome: 'success' })[0]?.value).toBe(2);
  });

  it('times GraphQL operations', () => {
    expect(find('pasarela_graphql_operation_duration_seconds_count', { operation: 'MetricsRead', type: 'query' })[0]?.value).toBe(1);
    expect(find('pasarela_graphql_operation_duration_seconds_bucket', { operation: 'Pay', le: '+Inf' })[0]?.value).toBe(2);
  });

  it('counts provider calls by provider, endpoint and outcome, failures included', () => {
    expect(find('pasarela_upstream_calls_total', { provider: 'TUPAY', endpoint: 'GET v1/balance', outcome: 'server_error' })[0]?.value).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      find('pasarela_upstream_calls_total', { provider: 'TELEPAGOS', endpoint: 'GET v2/account/balance', outcome: 'success' })[0]?.value,
    ).toBeGreaterThanOrEqual(1);
    // The replay sent nothing: one transfer.
    expect(
      find('pasarela_upstream_calls_total', { provider: 'TELEPAGOS', endpoint: 'POST v2/payment/cashout' }).map((s) => [s.labels.outcome, s.value]),
    ).toEqual([['success', 1]]);
  });

  it('times provider calls', () => {
    expect(find('pasarela_upstream_call_duration_seconds_count', { provider: 'TUPAY', endpoint: 'GET v1/balance' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find('pasarela_upstream_call_duration_seconds_count', { provider: 'TELEPAGOS', endpoint: 'POST v2/payment/cashout' })[0]?.value).toBe(1);
  });

  it('reports the circuit breaker of every configured provider', () => {
    const states = Object.fromEntries(find('pasarela_circuit_breaker_state').map((s) => [s.labels.provider, s.value]));
    expect(Object.keys(states).sort()).toEqual(['TALO', 'TELEPAGOS', 'TUPAY']);
    for (const value of Object.values(states)) expect([0, 1, 2]).toContain(value);
  });

  it('counts credential renewals per provider', () => {
    expect(find('pasarela_credential_renewals_total', { provider: 'TELEPAGOS' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find('pasarela_credential_renewals_total', { provider: 'TUPAY' })[0]?.value).toBeGreaterThanOrEqual(1);
  });

  it('counts mutation outcomes, the replayed createCashout included', () => {
    expect(find('pasarela_mutations_total', { operation: 'createCashout', outcome: 'created' })[0]?.value).toBe(1);
    expect(find('pasarela_mutations_total', { operation: 'createCashout', outcome: 'replayed' })[0]?.value).toBe(1);
  });

  it('counts webhooks by provider and outcome', () => {
    expect(find('pasarela_webhooks_total', { provider: 'TELEPAGOS', outcome: 'published' })[0]?.value).toBe(1);
    expect(find('pasarela_webhooks_total', { provider: 'TELEPAGOS', outcome: 'unauthenticated' })[0]?.value).toBe(1);
  });

  it('puts no secret, key, account number or idempotency key in any label', () => {
    const values = samples.flatMap((s) => Object.values(s.labels));
    expect(values.length).toBeGreaterThan(50);
    const forbidden = [
      KEY,
      createHash('sha256').update(KEY).digest('hex'),
      SANDBOX_CREDENTIALS.telepagos.webhookSecret,
      SANDBOX_CREDENTIALS.tupay.accessKey,
      SANDBOX_CREDENTIALS.talo.userId,
      CUIT,
      CBU,
      '30500010912',
      'metrics-0001',
    ];
    for (const secret of forbidden) expect(text.includes(secret), `label text contains ${secret.slice(0, 4)}…`).toBe(false);
    for (const value of values) expect(value, 'a long digit run (account number, CUIT, token)').not.toMatch(/\d{9,}/);
    // The bearer tokens the gateway presented to TelePagos.
    const tokens = gw()
      .sandboxes.telepagos.log.list()
      .map((entry) => String(entry.headers.authorization ?? '').replace(/^Bearer /, ''))
      .filter((t) => t.length > 8);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(text).not.toContain(token.slice(0, 16));
  });
});
