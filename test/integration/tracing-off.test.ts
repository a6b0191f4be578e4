/**
 * Tracing off (no OTEL_* variables, no tracer installed): nothing is recorded, but a client's
 * `traceparent`/`tracestate` still goes on unchanged to every provider call its operation makes, and
 * its trace id is on the operation's errors and log lines. Without one, nothing trace-related is sent
 * or answered.
 */
import 'reflect-metadata';
import { beforeEach, describe, expect, it } from 'vitest';
import { activeTracer } from '../../src/observability/tracing.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { leakRecorder } from '../helpers/leaks.js';

const recorder = leakRecorder();
const gw = useTestGateway({ logger: recorder.logger });

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;
const BALANCES = '{ accounts { provider balance { amount } } }';

async function sandboxHeaders(gateway: TestGateway): Promise<Record<string, string | undefined>[]> {
  const all: Record<string, string | undefined>[] = [];
  for (const sandbox of ['telepagos', 'talo', 'tupay'] as const) {
    const { body } = await call(gateway.sandboxes[sandbox].url, 'GET', '_sandbox/requests');
    all.push(...(body.requests as { headers: Record<string, string | undefined> }[]).map((r) => r.headers));
  }
  return all;
}

describe('tracing off', () => {
  beforeEach(() => gw().clearLogs());

  it('is off', () => {
    expect(activeTracer()).toBeUndefined();
  });

  it("passes the client's traceparent and tracestate on unchanged to every provider call", async () => {
    const { body } = await gw().query(BALANCES, undefined, { traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
    expect(body.errors).toBeUndefined();
    const headers = await sandboxHeaders(gw());
    expect(headers.length).toBeGreaterThan(1);
    for (const h of headers) expect([h.traceparent, h.tracestate]).toEqual([TRACEPARENT, 'congo=t61rcWkgMzE']);
  });

  it('puts the trace id next to the request id on errors and on the request’s log lines', async () => {
    await call(gw().sandboxes.telepagos.url, 'POST', '_sandbox/faults', { body: { route: 'GET /v2/account/balance', mode: 'status', status: 500 } });
    const { body, headers } = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }', undefined, { traceparent: TRACEPARENT });
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors!) expect(error.extensions).toMatchObject({ requestId: headers['x-request-id'], traceId: TRACE_ID });
    const lines = recorder.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.requestId === headers['x-request-id']);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.traceId).toBe(TRACE_ID);
  });

  it("puts the trace id on a cash-out's provider lines too: the audit line the TelePagos client writes", async () => {
    const { body, headers } = await gw().query(
      'mutation Pay($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code } } }',
      { input: { referenceId: 'trace-0001', alias: 'pasarela.demo', cuit: '20-12345678-6', amount: '12.00', concept: 'VAR', description: 'trace' } },
      { traceparent: TRACEPARENT },
    );
    expect(body.errors).toBeUndefined();
    const lines = recorder.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.requestId === headers['x-request-id']);
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['telepagos cash-out sent']));
    for (const line of lines) expect(line.traceId, String(line.msg)).toBe(TRACE_ID);
  });

  it("passes the client's traceparent on from the CSV export's provider calls too", async () => {
    const response = await fetch(`${gw().url}/exports/activity.csv?from=2026-01-10&to=2026-01-15`, { headers: { traceparent: TRACEPARENT } });
    expect(response.status).toBe(200);
    await response.text();
    const headers = await sandboxHeaders(gw());
    expect(headers.length).toBeGreaterThan(0);
    for (const h of headers) expect(h.traceparent).toBe(TRACEPARENT);
  });

  it('without a traceparent: none upstream, no trace id on errors', async () => {
    await call(gw().sandboxes.telepagos.url, 'POST', '_sandbox/faults', { body: { route: 'GET /v2/account/balance', mode: 'status', status: 500 } });
    const { body } = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }');
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors!) expect(error.extensions).not.toHaveProperty('traceId');
    for (const h of await sandboxHeaders(gw())) expect(h).not.toHaveProperty('traceparent');
  });

  it('a malformed traceparent is not passed on', async () => {
    const { body } = await gw().query(BALANCES, undefined, { traceparent: `00-${'0'.repeat(32)}-b7ad6b7169203331-01` });
    expect(body.errors).toBeUndefined();
    for (const h of await sandboxHeaders(gw())) expect(h).not.toHaveProperty('traceparent');
  });
});
