/**
 * Tracing on (the SDK's in-memory exporter, installed in this process before the gateway starts): one
 * trace per operation from the client's `traceparent` to every provider call, checked against what the
 * sandboxes saw (their request log, over their control route): the same calls one to one, each
 * carrying the `traceparent` of its own attempt span, a retry as a second attempt; credential renewals,
 * phases and root fields; the trace id in errors and log lines; no secret or account number in any span.
 */
import 'reflect-metadata';
import { beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { leakRecorder } from '../helpers/leaks.js';
import { expectNoSecretsInSpans, parentOf, useInMemoryTracing } from '../helpers/tracing.js';

const tracing = useInMemoryTracing();
const recorder = leakRecorder();
const gw = useTestGateway({ logger: recorder.logger });

const DASHBOARD = readFile(new URL('../../operations/dashboard.graphql', import.meta.url), 'utf8');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CLIENT_SPAN}-01`;
const SANDBOXES = ['telepagos', 'talo', 'tupay'] as const;

interface Logged {
  method: string;
  path: string;
  route: string;
  headers: Record<string, string | undefined>;
}

/** Every request the three sandboxes logged since the last clear, read over their control route. */
async function sandboxRequests(gateway: TestGateway): Promise<(Logged & { sandbox: string })[]> {
  const all = [];
  for (const sandbox of SANDBOXES) {
    const { body } = await call(gateway.sandboxes[sandbox].url, 'GET', '_sandbox/requests');
    all.push(...(body.requests as Logged[]).map((r) => ({ ...r, sandbox })));
  }
  return all;
}

/** The secrets a span must never hold: every credential the gateway presented or was issued, and the webhook secrets. */
function secretsSeen(requests: readonly Logged[]): string[] {
  const presented = requests.flatMap((r) => [r.headers.authorization, r.headers.cookie]).filter((v): v is string => typeof v === 'string');
  const values = presented.flatMap((v) => [v, v.replace(/^Bearer /, ''), ...v.split(/[;=]\s*/)]).filter((v) => v.length >= 6);
  const { telepagos, talo, tupay } = SANDBOX_CREDENTIALS;
  return [...new Set([...values, telepagos.webhookSecret, talo.webhookSecret, tupay.webhookSecret])];
}

const spanIdOf = (traceparent: string | undefined) => traceparent?.split('-')[2];
const attempts = (spans: readonly ReadableSpan[]) => spans.filter((s) => s.kind === SpanKind.CLIENT);
const named = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('tracing on: one trace from the client to every provider call', () => {
  beforeEach(() => {
    gw().clearLogs();
    tracing.reset();
  });

  it("a dashboard query is one trace under the client's traceparent; its provider spans are the sandboxes' requests one to one, a retry as a second attempt", async () => {
    // The first TelePagos balance read fails once with a retryable status: the transport retries it.
    const fault = await call(gw().sandboxes.telepagos.url, 'POST', '_sandbox/faults', {
      body: { route: 'GET /v2/account/balance', mode: 'status', status: 503, times: 1 },
    });
    expect(fault.status).toBe(201);

    const { body } = await gw().query(await DASHBOARD, { from: '2026-01-01', to: '2026-01-15' }, { traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
    expect(body.errors).toBeUndefined();
    expect(body.data.accounts.length).toBeGreaterThan(0);

    const spans = tracing.spans();
    // Every span of the operation is in the client's trace.
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([TRACE_ID]));

    const [operation, ...others] = named(spans, 'query Dashboard');
    expect(others).toEqual([]);
    expect(operation!.kind).toBe(SpanKind.SERVER);
    expect(parentOf(operation!)).toBe(CLIENT_SPAN);
    expect(operation!.attributes).toMatchObject({
      'graphql.operation.name': 'Dashboard',
      'graphql.operation.type': 'query',
      'pasarela.outcome': 'success',
      'pasarela.transport': 'http',
      'pasarela.client': expect.any(String),
      'pasarela.request_id': expect.any(String),
    });
    const operationId = operation!.spanContext().spanId;

    // Phases and root fields hang from the operation.
    for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
      expect(named(spans, phase).map(parentOf), phase).toEqual([operationId]);
    }
    expect(named(spans, 'graphql.resolve Query.accounts').map(parentOf)).toEqual([operationId]);
    const [aliased] = named(spans, 'graphql.resolve Query.account');
    expect(aliased?.attributes).toMatchObject({ 'graphql.field.name': 'account', 'graphql.field.path': 'telepagos' });
    // Deeper fields are not traced.
    expect(spans.filter((s) => s.name.startsWith('graphql.resolve ') && !s.name.startsWith('graphql.resolve Query.'))).toEqual([]);

    // The sandboxes' request log and the attempt spans: one to one, matched by the span id each
    // request's traceparent carries, with the same provider, method and endpoint.
    const requests = await sandboxRequests(gw());
    const clientSpans = attempts(spans);
    expect(requests.length).toBeGreaterThan(3);
    expect(clientSpans).toHaveLength(requests.length);
    const byId = new Map(clientSpans.map((s) => [s.spanContext().spanId, s]));
    const matched = new Set<string>();
    for (const request of requests) {
      // The sandbox saw a traceparent on every call: this trace, the attempt's own span, sampled.
      expect(request.headers.traceparent, `${request.route}: traceparent`).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(request.headers.tracestate, `${request.route}: tracestate`).toBe('vendor=abc');
      const span = byId.get(spanIdOf(request.headers.traceparent)!);
      expect(span, `${request.route}: its attempt span`).toBeDefined();
      matched.add(span!.spanContext().spanId);
      expect(span!.attributes['pasarela.provider']).toBe(request.sandbox.toUpperCase());
      expect(span!.attributes['http.request.method']).toBe(request.method);
      const template = String(span!.attributes['url.template']);
      const pattern = new RegExp(
        `^/${template
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\\?\{[^}]+\\?\}/g, '[^/]+')
          .replace(/\{[^}]+\}/g, '[^/]+')}$`,
      );
      expect(request.path, `${span!.name} vs ${request.path}`).toMatch(pattern);
      expect(span!.name).toBe(`${request.method} ${template}`);
    }
    expect(matched.size).toBe(requests.length);

    // The retry: two attempts of one call, the first answered 503, the second 200.
    const balance = clientSpans.filter((s) => s.attributes['pasarela.provider'] === 'TELEPAGOS' && s.name === 'GET v2/account/balance');
    expect(balance.map((s) => [s.attributes['pasarela.attempt'], s.attributes['http.response.status_code']])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(balance[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(balance[1]!.attributes['http.request.resend_count']).toBe(1);
    expect(new Set(balance.map(parentOf)).size).toBe(1);
    const [callSpan] = spans.filter((s) => s.spanContext().spanId === parentOf(balance[0]!));
    expect(callSpan).toMatchObject({ name: 'TELEPAGOS GET v2/account/balance' });
    expect(callSpan!.attributes).toMatchObject({ 'pasarela.attempts': 2, 'pasarela.retry.mode': 'safe', 'http.response.status_code': 200 });
    expect(callSpan!.events.map((e) => [e.name, e.attributes?.['pasarela.retry.reason']])).toEqual([['retry', 'SERVER_ERROR']]);
    expect(parentOf(callSpan!)).toBe(operationId);

    // Credentials were renewed for this first query: each renewal a span, its token request under it.
    const renewals = named(spans, 'pasarela.credential.renew');
    expect(renewals.length).toBeGreaterThan(0);
    for (const renewal of renewals) {
      const tokenAttempts = spans.filter(
        (s) => s.kind === SpanKind.CLIENT && spans.some((c) => c.spanContext().spanId === parentOf(s) && parentOf(c) === renewal.spanContext().spanId),
      );
      expect(tokenAttempts, `${renewal.attributes['pasarela.provider']} token request`).toHaveLength(1);
      expect(tokenAttempts[0]!.attributes['http.request.method']).toBe('POST');
    }

    expectNoSecretsInSpans(spans, secretsSeen(requests));
  });

  it('without a traceparent the operation starts its own trace, and every provider call still carries one', async () => {
    const { body } = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }');
    expect(body.errors).toBeUndefined();
    const [operation] = named(tracing.spans(), 'query');
    expect(parentOf(operation!)).toBeUndefined();
    const traceId = operation!.spanContext().traceId;
    const requests = await sandboxRequests(gw());
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) expect(request.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('errors carry the trace id next to the request id, and so do the log lines of the request', async () => {
    await call(gw().sandboxes.telepagos.url, 'POST', '_sandbox/faults', { body: { route: 'GET /v2/account/balance', mode: 'status', status: 500 } });
    const { body, headers } = await gw().query('query Broken { account(provider: TELEPAGOS) { balance { amount } } }', undefined, { traceparent: TRACEPARENT });
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors!) expect(error.extensions).toMatchObject({ requestId: headers['x-request-id'], traceId: TRACE_ID });
    const [operation] = named(tracing.spans(), 'query Broken');
    expect(operation!.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation!.attributes['pasarela.outcome']).toBe('error');
    expect(operation!.attributes['pasarela.error_codes']).toEqual([body.errors![0]!.extensions!.code]);
    // The transport's lines about this request's failed calls carry both ids.
    const lines = recorder.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.requestId === headers['x-request-id']);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.traceId).toBe(TRACE_ID);
  });

  it('a refused request (unparseable) is an error span in the trace and its error carries the trace id', async () => {
    const { body } = await gw().query('{ account(', undefined, { traceparent: TRACEPARENT });
    expect(body.errors?.[0]?.extensions).toMatchObject({ requestId: expect.any(String), traceId: TRACE_ID });
    const parse = named(tracing.spans(), 'graphql.parse');
    expect(parse).toHaveLength(1);
    expect(parse[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a request by document id refused before it runs is a refused span in the trace, and its error carries the trace id', async () => {
    const documentId = `sha256:${'0'.repeat(64)}`;
    const refused = await fetch(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/xml', traceparent: TRACEPARENT },
      body: JSON.stringify({ documentId }),
    });
    expect(refused.status).toBe(406);
    const body = (await refused.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ requestId: expect.any(String), traceId: TRACE_ID });
    const spans = named(tracing.spans(), 'graphql.operation');
    expect(spans).toHaveLength(1);
    expect(spans[0]!.spanContext().traceId).toBe(TRACE_ID);
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[0]!.attributes['pasarela.outcome']).toBe('refused');
  });

  it('a malformed traceparent is ignored: a new trace, nothing of it passed on', async () => {
    const { body } = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }', undefined, { traceparent: '00-zzzz-1234-01' });
    expect(body.errors).toBeUndefined();
    const [operation] = named(tracing.spans(), 'query');
    expect(parentOf(operation!)).toBeUndefined();
    for (const request of await sandboxRequests(gw())) expect(request.headers.traceparent).toContain(operation!.spanContext().traceId);
  });

  it('a cash-out: its CBU and CUIT are in no span, nor are the variables', async () => {
    const cbu = '0000071000000000543213';
    const cuit = '20123456786';
    const { body } = await gw().query(
      'mutation Pay($input: CreateCashoutInput!) { createCashout(input: $input) { cashout { id } userErrors { code } } }',
      { input: { referenceId: `trace-${process.pid}`, cbu, cuit, amount: '5.00', concept: 'VAR', description: 'x' } },
      { traceparent: TRACEPARENT },
    );
    expect(body.errors).toBeUndefined();
    const spans = tracing.spans();
    expect(named(spans, 'mutation Pay')).toHaveLength(1);
    const requests = await sandboxRequests(gw());
    // The cash-out went upstream once, in this trace.
    const sent = requests.filter((r) => r.route === 'POST /v2/payment/cashout');
    expect(sent).toHaveLength(1);
    const attempt = attempts(spans).find((s) => s.name === 'POST v2/payment/cashout')!;
    expect(spanIdOf(sent[0]!.headers.traceparent)).toBe(attempt.spanContext().spanId);
    // …under the mutation's span, in the client's trace (a mutation's calls are not cancelled with the
    // request, but they are traced with it).
    expect(attempt.spanContext().traceId).toBe(TRACE_ID);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const ancestors: string[] = [];
    for (let parent = attempt.parentSpanContext?.spanId; parent && byId.has(parent); parent = byId.get(parent)!.parentSpanContext?.spanId)
      ancestors.push(byId.get(parent)!.name);
    expect(ancestors).toContain('mutation Pay');
    expectNoSecretsInSpans(spans, [...secretsSeen(requests), cbu, cuit, `trace-${process.pid}`]);
  });

  it("the CSV export is a span in the client's trace, and its provider calls are its children", async () => {
    const response = await fetch(`${gw().url}/exports/activity.csv?from=2026-01-10&to=2026-01-15`, { headers: { traceparent: TRACEPARENT } });
    expect(response.status).toBe(200);
    expect((await response.text()).split('\r\n').length).toBeGreaterThan(2);
    const spans = tracing.spans();
    const exported = named(spans, 'GET /exports/activity.csv');
    expect(exported).toHaveLength(1);
    expect(exported[0]!.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(exported[0]!)).toBe(CLIENT_SPAN);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const calls = attempts(spans);
    expect(calls.length).toBeGreaterThan(0);
    for (const attempt of calls) {
      let top = attempt;
      while (parentOf(top) && byId.has(parentOf(top)!)) top = byId.get(parentOf(top)!)!;
      expect(top.name, attempt.name).toBe('GET /exports/activity.csv');
    }
    const requests = await sandboxRequests(gw());
    expect(requests.length).toBe(calls.length);
    for (const request of requests) expect(request.headers.traceparent).toContain(TRACE_ID);
  });

  it("an operation sent by APQ hash is traced too: its span names the document's hash, and its provider calls are in the client's trace", async () => {
    const text = 'query TracedByHash { account(provider: TELEPAGOS) { balance { amount } } }';
    const hash = createHash('sha256').update(text).digest('hex');
    const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };
    const headers = { 'content-type': 'application/json', traceparent: TRACEPARENT };
    // The open app (`any`) registers the document by sending it once with its hash.
    const registered = await call(gw().url, 'POST', 'graphql', { body: { query: text, extensions: persisted }, headers });
    expect(registered.body.errors).toBeUndefined();
    gw().clearLogs();
    tracing.reset();

    const byHash = await call(gw().url, 'POST', 'graphql', { body: { extensions: persisted }, headers });
    expect(byHash.status).toBe(200);
    expect(byHash.body.errors).toBeUndefined();
    const spans = tracing.spans();
    const [operation, ...others] = named(spans, 'query TracedByHash');
    expect(others).toEqual([]);
    expect(operation!.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(operation!)).toBe(CLIENT_SPAN);
    expect(operation!.attributes['pasarela.trusted_document.id']).toContain(hash);
    // Run without Apollo, it has the same execution and root-field spans (src/graphql/traced-fields.ts), and no parse.
    const operationId = operation!.spanContext().spanId;
    expect(named(spans, 'graphql.execute').map(parentOf)).toEqual([operationId]);
    expect(named(spans, 'graphql.resolve Query.account').map(parentOf)).toEqual([operationId]);
    expect(named(spans, 'graphql.parse')).toEqual([]);
    const requests = (await sandboxRequests(gw())).filter((r) => r.route === 'GET /v2/account/balance');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers.traceparent).toContain(TRACE_ID);
  });

  it('a query run again (then executed by graphql-jit) has the same execute and root-field spans, and its provider calls in the trace', async () => {
    const text = 'query TracedTwice { accounts { provider } account(provider: TELEPAGOS) { balance { amount } } }';
    for (let run = 1; run <= 3; run++) {
      tracing.reset();
      gw().clearLogs();
      const { body } = await gw().query(text, undefined, { traceparent: TRACEPARENT });
      expect(body.errors, `run ${run}`).toBeUndefined();
      const spans = tracing.spans();
      const [operation] = named(spans, 'query TracedTwice');
      const operationId = operation!.spanContext().spanId;
      expect(named(spans, 'graphql.execute').map(parentOf), `run ${run}`).toEqual([operationId]);
      expect(named(spans, 'graphql.resolve Query.accounts').map(parentOf), `run ${run}`).toEqual([operationId]);
      expect(named(spans, 'graphql.resolve Query.account').map(parentOf), `run ${run}`).toEqual([operationId]);
      const balance = (await sandboxRequests(gw())).filter((r) => r.route === 'GET /v2/account/balance');
      expect(balance.length, `run ${run}`).toBeGreaterThan(0);
      for (const request of balance) expect(request.headers.traceparent).toContain(TRACE_ID);
    }
  });
});
