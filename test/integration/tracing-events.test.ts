/**
 * Tracing on, for what does not come in as a GraphQL request over HTTP: a provider notification (the
 * sandbox delivers it to the webhook endpoint: authenticate, confirm with the provider, publish) and
 * the subscription event it becomes, delivered over graphql-ws to a client that sent its own
 * `traceparent` in the subscribe message (and over SSE, its `traceparent` header). No secret in any span.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Agent, request } from 'undici';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { expectNoSecretsInSpans, parentOf, useInMemoryTracing } from '../helpers/tracing.js';
import { waitFor } from '../helpers/wait.js';

const tracing = useInMemoryTracing();
const gw = useTestGateway({ publicUrlIsGateway: true, sandboxes: { now: new Date() }, env: { MAX_OPERATION_AMOUNT: '100000' } });

const TRACE_ID = 'a3ce929d0e0e47364bf92f3577b34da6';
const CLIENT_SPAN = '53995c3f42cd8ad8';

describe('tracing on: webhooks and subscription events', () => {
  let client: Client;
  beforeAll(async () => {
    const put = await call(gw().sandboxes.telepagos.url, 'PUT', '_sandbox/webhook', { body: { url: `${gw().url}/webhooks/telepagos` } });
    expect(put.status).toBe(200);
    client = createClient({ url: gw().wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  });
  afterAll(async () => {
    await client?.dispose();
  });

  it('a notification is a webhook trace (authenticate, confirm with its provider calls, publish); the event delivered is a span of the subscription’s trace', async () => {
    const received: unknown[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      {
        query: 'subscription Events { paymentEvents(provider: TELEPAGOS) { id type } }',
        extensions: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` },
      },
      { next: (result) => received.push(result), error: (error) => errors.push(error), complete: () => undefined },
    );
    // The subscription's span ends once it is set up.
    const [subscription] = await waitFor('the subscription span', () => {
      const found = tracing.spans().filter((s) => s.name === 'subscription Events');
      return found.length > 0 && found;
    });
    expect(subscription!.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(subscription!)).toBe(CLIENT_SPAN);
    expect(subscription!.attributes).toMatchObject({
      'pasarela.transport': 'websocket',
      'graphql.operation.type': 'subscription',
      'pasarela.outcome': 'success',
    });

    const { body } = await gw().query('mutation($input: CreateQrChargeInput!) { createQrCharge(input: $input) { qrOrderId userErrors { code } } }', {
      input: { amount: '1234.50', concept: 'VAR', description: 'Mesa 4' },
    });
    const qrOrderId = body.data.createQrCharge.qrOrderId as string;
    gw().clearLogs();
    const paid = await call(gw().sandboxes.telepagos.url, 'POST', `_sandbox/qr-orders/${qrOrderId}/pay`);
    expect(paid.status).toBe(201);
    await waitFor('the event', () => received.length > 0 || errors.length > 0);
    expect(errors).toEqual([]);

    // The delivery's trace.
    const delivery = await waitFor('the webhook span', () => tracing.spans().find((s) => s.name === 'webhook TELEPAGOS'));
    expect(delivery.kind).toBe(SpanKind.SERVER);
    expect(delivery.attributes).toMatchObject({ 'pasarela.outcome': 'published', 'http.response.status_code': 200, 'pasarela.provider': 'TELEPAGOS' });
    const trace = tracing.trace(delivery.spanContext().traceId);
    const child = (name: string) => trace.filter((s) => s.name === name && parentOf(s) === delivery.spanContext().spanId);
    expect(child('webhook.authenticate')).toHaveLength(1);
    expect(child('webhook.authenticate')[0]!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(child('webhook.publish')).toHaveLength(1);
    const [confirm] = child('webhook.confirm');
    expect(confirm).toBeDefined();
    // The confirmation read the cash-in from TelePagos: its call and attempt spans are under the
    // confirm span, and the sandbox saw that attempt's traceparent.
    const confirmCalls = trace.filter((s) => parentOf(s) === confirm!.spanContext().spanId);
    expect(confirmCalls.length).toBeGreaterThan(0);
    const confirmAttempts = trace.filter((s) => s.kind === SpanKind.CLIENT && confirmCalls.some((c) => c.spanContext().spanId === parentOf(s)));
    expect(confirmAttempts.length).toBeGreaterThan(0);
    const { body: log } = await call(gw().sandboxes.telepagos.url, 'GET', '_sandbox/requests');
    const upstream = (log.requests as { headers: Record<string, string> }[]).map((r) => r.headers.traceparent);
    for (const attempt of confirmAttempts) expect(upstream).toContain(`00-${delivery.spanContext().traceId}-${attempt.spanContext().spanId}-01`);

    // The event delivered: a span in the subscription's trace, under its operation span.
    const event = await waitFor('the event span', () => tracing.spans().find((s) => s.name === 'graphql.subscription.event'));
    expect(event.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(event)).toBe(subscription!.spanContext().spanId);
    expect(event.attributes).toMatchObject({ 'graphql.operation.name': 'Events', 'pasarela.outcome': 'success' });

    const { telepagos, talo, tupay } = SANDBOX_CREDENTIALS;
    expectNoSecretsInSpans(tracing.spans(), [telepagos.webhookSecret, talo.webhookSecret, tupay.webhookSecret]);
  });

  it('a forged notification is an unauthenticated delivery span, and nothing is confirmed', async () => {
    tracing.reset();
    const raw = JSON.stringify({ id: 1, type: 'cashin' });
    const answer = await call(gw().url, 'POST', 'webhooks/telepagos', { raw, headers: { 'x-signature': 'forged' } });
    expect(answer.status).toBe(401);
    const [delivery] = tracing.spans().filter((s) => s.name === 'webhook TELEPAGOS');
    expect(delivery!.attributes).toMatchObject({ 'pasarela.outcome': 'unauthenticated', 'http.response.status_code': 401 });
    expect(delivery!.status.code).toBe(SpanStatusCode.ERROR);
    const names = tracing.trace(delivery!.spanContext().traceId).map((s) => s.name);
    expect(names.sort()).toEqual(['webhook TELEPAGOS', 'webhook.authenticate']);
  });

  it('over SSE: the traceparent header continues the client’s trace; the subscription’s span (transport sse) ends once set up, each event is a span under it', async () => {
    tracing.reset();
    const SSE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
    const bus = gw().gateway.events as unknown as { subscriberCount: number };
    const before = bus.subscriberCount;
    const agent = new Agent();
    const controller = new AbortController();
    try {
      const response = await request(`${gw().url}/graphql`, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', traceparent: `00-${SSE_TRACE}-${CLIENT_SPAN}-01` },
        body: JSON.stringify({ query: 'subscription SseEvents { paymentEvents(provider: TALO) { id } }' }),
        signal: controller.signal,
      });
      expect(response.statusCode).toBe(200);
      response.body.on('data', () => undefined).on('error', () => undefined);
      const subscription = await waitFor('the subscription span', () => tracing.spans().find((s) => s.name === 'subscription SseEvents'));
      expect(subscription.spanContext().traceId).toBe(SSE_TRACE);
      expect(parentOf(subscription)).toBe(CLIENT_SPAN);
      expect(subscription.attributes).toMatchObject({ 'pasarela.transport': 'sse', 'graphql.operation.type': 'subscription', 'pasarela.outcome': 'success' });
      await waitFor('the subscription to be registered', () => bus.subscriberCount > before);
      await gw().gateway.events.publish({ id: 'sse-traced', provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
      const event = await waitFor('the event span', () => tracing.spans().find((s) => s.name === 'graphql.subscription.event'));
      expect(event.spanContext().traceId).toBe(SSE_TRACE);
      expect(parentOf(event)).toBe(subscription.spanContext().spanId);
      expect(event.attributes).toMatchObject({ 'graphql.operation.name': 'SseEvents', 'pasarela.outcome': 'success' });
    } finally {
      controller.abort();
      await agent.destroy();
    }
    await waitFor('the subscription to be released', () => bus.subscriberCount === before);
  });
});
