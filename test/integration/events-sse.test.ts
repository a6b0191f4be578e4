/**
 * Subscriptions over HTTP: GraphQL over Server-Sent Events (graphql-sse's distinct connections mode,
 * a POST to /graphql with `Accept: text/event-stream`), over real HTTP on loopback, with the
 * `graphql-sse` client and with raw requests reading the frames. The same key, scopes, rate limit and
 * request ids as the other transports; a subscription sent as plain JSON is told where to go.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch as undiciFetch, request, type Dispatcher } from 'undici';
import { createClient, type Client } from 'graphql-sse';
import { ClientRegistry } from '../../src/auth/clients.js';
import type { MemoryEventBus } from '../../src/events/bus.js';
import { startTestGateway, useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const READER_KEY = 'pk_test_sse_reader_0123456789';
const PAYER_KEY = 'pk_test_sse_payer_0123456789';
const BURSTY_KEY = 'pk_test_sse_bursty_0123456789';
const clients = ClientRegistry.fromJson([
  { name: 'dashboard', keySha256: sha256(READER_KEY), scopes: ['read'] },
  { name: 'checkout', keySha256: sha256(PAYER_KEY), scopes: ['cashin'] },
  { name: 'bursty', keySha256: sha256(BURSTY_KEY), scopes: ['read'], rateLimit: { perSecond: 0.01, burst: 1 } },
]);

const SUBSCRIPTION = 'subscription Events($provider: Provider) { paymentEvents(provider: $provider) { id provider type payment { id status } } }';
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id status } userErrors { message } } }`;

interface PaymentEvent {
  id: string;
  provider: string;
  type: string;
  payment: { id: string; status: string } | null;
}

const bus = (gw: TestGateway) => gw.gateway.events as MemoryEventBus;
const publish = (gw: TestGateway, id: string) =>
  gw.gateway.events.publish({ id, provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });

/** One SSE frame: its event name and its data (parsed JSON, or null). */
interface Frame {
  event: string;
  data: any;
}

/** A raw SSE request: its status and headers, and its frames as they arrive. */
interface RawStream {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  frames: Frame[];
  /** The JSON body of a response that is not a stream. */
  json?: any;
  ended: boolean;
  /** Closes the connection from the client's side. */
  abort(): void;
}

const raws: RawStream[] = [];
afterEach(() => {
  for (const raw of raws.splice(0)) raw.abort();
});

/** POSTs `body` to /graphql with Accept: text/event-stream and reads the answer frame by frame. */
async function rawSse(gw: TestGateway, body: unknown, headers: Record<string, string> = {}): Promise<RawStream> {
  const controller = new AbortController();
  // Its own connection pool, gone with the stream (the shared pool would keep a spare socket open after an abort).
  const agent = new Agent();
  const response = await request(`${gw.url}/graphql`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const stream: RawStream = {
    status: response.statusCode,
    headers: response.headers,
    frames: [],
    ended: false,
    abort: () => {
      controller.abort();
      void agent.destroy();
    },
  };
  raws.push(stream);
  if (!String(response.headers['content-type']).startsWith('text/event-stream')) {
    stream.json = JSON.parse(await response.body.text());
    stream.ended = true;
    return stream;
  }
  let buffer = '';
  response.body.setEncoding('utf8');
  response.body.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n').filter((line) => !line.startsWith(':') && line !== '');
      if (lines.length === 0) continue; // a keep-alive comment
      const event =
        lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      stream.frames.push({ event, data: data ? JSON.parse(data) : null });
    }
  });
  response.body.on('end', () => (stream.ended = true));
  response.body.on('error', () => (stream.ended = true));
  return stream;
}

const sseClients: { client: Client; agent: Agent }[] = [];
afterEach(async () => {
  for (const { client, agent } of sseClients.splice(0)) {
    client.dispose();
    await agent.destroy();
  }
});

/** A graphql-sse client (distinct connections mode) on its own connection pool, destroyed after each test. */
function sseClient(gw: TestGateway, authorization?: string): Client {
  const agent = new Agent();
  const client = createClient({
    url: `${gw.url}/graphql`,
    headers: authorization ? { authorization } : {},
    retryAttempts: 0,
    fetchFn: ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher: agent })) as unknown as typeof fetch,
  });
  sseClients.push({ client, agent });
  return client;
}

describe('GraphQL over SSE: keys, scopes, limits (client apps configured)', () => {
  const gw = useTestGateway({ clients });

  afterEach(async () => {
    await waitFor('every SSE subscription to be released', () => bus(gw()).subscriberCount === 0);
  });

  it('the graphql-sse client with a reader key subscribes and receives events; disposing it releases the subscription', async () => {
    const received: PaymentEvent[] = [];
    const errors: unknown[] = [];
    const client = sseClient(gw(), `Bearer ${READER_KEY}`);
    const unsubscribe = client.subscribe<{ paymentEvents: PaymentEvent }>(
      { query: SUBSCRIPTION, variables: { provider: 'TALO' } },
      {
        next: (result) => (result.errors ? errors.push(...result.errors) : received.push(result.data!.paymentEvents)),
        error: (error) => void errors.push(error),
        complete: () => undefined,
      },
    );
    await waitFor('the subscription to be registered', () => {
      if (errors.length > 0) throw new Error(`refused: ${JSON.stringify(errors)}`);
      return bus(gw()).subscriberCount === 1;
    });
    await publish(gw(), 'evt_over_sse');
    await waitFor('the event', () => received.length > 0);
    expect(received).toEqual([{ id: 'evt_over_sse', provider: 'TALO', type: 'PAYMENT_UPDATED', payment: null }]);
    expect(errors).toEqual([]);
    unsubscribe();
    await waitFor('the subscription to be released', () => bus(gw()).subscriberCount === 0);
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { authorization: 'Bearer pk_test_unknown' }],
    ['a key without the Bearer scheme', { authorization: READER_KEY }],
  ])('%s → 401 UNAUTHENTICATED in JSON, with the request id, and nothing subscribed', async (_label, headers) => {
    const answer = await rawSse(gw(), { query: SUBSCRIPTION }, { ...headers, 'x-request-id': 'sse-401-check' });
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['x-request-id']).toBe('sse-401-check');
    expect(answer.json.errors).toHaveLength(1);
    expect(answer.json.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'sse-401-check' });
    expect(bus(gw()).subscriberCount).toBe(0);
  });

  it('the graphql-sse client with an unknown key gets the 401 as an error and never subscribes', async () => {
    const client = sseClient(gw(), 'Bearer pk_test_unknown');
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: SUBSCRIPTION }, { next: () => undefined, error: resolve, complete: () => resolve('completed') });
    });
    expect((error as { response?: { status: number } }).response?.status).toBe(401);
    expect(bus(gw()).subscriberCount).toBe(0);
  });

  it('a key without the read scope → 403 FORBIDDEN naming the scope, nothing subscribed', async () => {
    const answer = await rawSse(gw(), { query: SUBSCRIPTION }, { authorization: `Bearer ${PAYER_KEY}` });
    expect(answer.status).toBe(403);
    expect(answer.json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(answer.json.errors[0].message).toMatch(/read/);
    expect(typeof answer.json.errors[0].extensions.requestId).toBe('string');
    expect(bus(gw()).subscriberCount).toBe(0);
  });

  it("over the client's rate limit → 429 RATE_LIMITED with Retry-After", async () => {
    const first = await rawSse(gw(), { query: '{ __typename }' }, { authorization: `Bearer ${BURSTY_KEY}` });
    expect(first.status).toBe(200);
    const second = await rawSse(gw(), { query: '{ __typename }' }, { authorization: `Bearer ${BURSTY_KEY}` });
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toMatch(/^\d+$/);
    expect(second.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('a document that does not validate → 400 GRAPHQL_VALIDATION_FAILED in JSON (as over HTTP), counted as a refused operation', async () => {
    const answer = await rawSse(gw(), { query: 'subscription { paymentEvents { nope } }' }, { authorization: `Bearer ${READER_KEY}` });
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.json.errors[0].message).toMatch(/nope/);
    const metrics = await call(gw().url, 'GET', 'metrics');
    expect(metrics.text).toMatch(/pasarela_graphql_operations_total\{[^}]*type="unknown"[^}]*outcome="error"[^}]*client="dashboard"[^}]*\} [1-9]/);
  });

  it('a body whose fields have the wrong types → 400 BAD_REQUEST in the contract shape', async () => {
    const response = await request(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${READER_KEY}` },
      body: JSON.stringify({ query: 42 }),
    });
    expect(response.statusCode).toBe(400);
    const body = (await response.body.json()) as any;
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/"query" must be a string/);
  });

  it('a query over SSE is answered as one `next` frame and `complete`, and counted', async () => {
    const answer = await rawSse(gw(), { query: 'query Typename { __typename }' }, { authorization: `Bearer ${READER_KEY}` });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitFor('the stream to end', () => answer.ended);
    expect(answer.frames).toEqual([
      { event: 'next', data: { data: { __typename: 'Query' } } },
      { event: 'complete', data: null },
    ]);
    const metrics = await call(gw().url, 'GET', 'metrics');
    expect(metrics.text).toMatch(/pasarela_graphql_operations_total\{[^}]*operation="Typename"[^}]*type="query"[^}]*outcome="success"[^}]*\} [1-9]/);
  });

  it('resumes with after over SSE: the events after the cursor first, in log order, then live ones', async () => {
    const first = await gw().gateway.events.publish({
      id: 'evt_sse_resume_1',
      provider: 'TALO',
      type: 'PAYMENT_UPDATED',
      occurredAt: new Date().toISOString(),
    });
    await publish(gw(), 'evt_sse_resume_2');
    await publish(gw(), 'evt_sse_resume_3');
    const resume = 'subscription Resume($after: String) { paymentEvents(provider: TALO, after: $after) { id cursor } }';
    const stream = await rawSse(gw(), { query: resume, variables: { after: first.cursor } }, { authorization: `Bearer ${READER_KEY}` });
    expect(stream.status).toBe(200);
    await waitFor('the two missed events', () => stream.frames.length >= 2);
    await publish(gw(), 'evt_sse_resume_live');
    await waitFor('the live event', () => stream.frames.length >= 3);
    expect(stream.frames.map((frame) => frame.data.data.paymentEvents.id)).toEqual(['evt_sse_resume_2', 'evt_sse_resume_3', 'evt_sse_resume_live']);
    expect(new Set(stream.frames.map((frame) => frame.data.data.paymentEvents.cursor)).size).toBe(3);
    stream.abort();
    await waitFor('the resumed subscription to be released', () => bus(gw()).subscriberCount === 0);
  });

  it('closing the connection ends the subscription on the server', async () => {
    const stream = await rawSse(gw(), { query: SUBSCRIPTION }, { authorization: `Bearer ${READER_KEY}` });
    expect(stream.status).toBe(200);
    await waitFor('the subscription to be registered', () => bus(gw()).subscriberCount === 1);
    await publish(gw(), 'evt_before_close');
    await waitFor('the event frame', () => stream.frames.length > 0);
    expect(stream.frames[0]).toEqual({
      event: 'next',
      data: { data: { paymentEvents: { id: 'evt_before_close', provider: 'TALO', type: 'PAYMENT_UPDATED', payment: null } } },
    });
    stream.abort();
    await waitFor('the subscription to be released', () => bus(gw()).subscriberCount === 0);
  });

  it('a subscription sent as a plain JSON POST → 400 naming graphql-ws and SSE (not an internal error)', async () => {
    for (const accept of [undefined, 'application/json', 'application/graphql-response+json']) {
      const { status, body } = await gw().query(SUBSCRIPTION, undefined, { authorization: `Bearer ${READER_KEY}`, ...(accept ? { accept } : {}) });
      expect(status).toBe(400);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions!.code).toBe('BAD_REQUEST');
      expect(body.errors![0]!.message).toMatch(/graphql-ws/);
      expect(body.errors![0]!.message).toMatch(/text\/event-stream/);
      expect(typeof body.errors![0]!.extensions!.requestId).toBe('string');
    }
    expect(bus(gw()).subscriberCount).toBe(0);
  });
});

describe('GraphQL over SSE: a payment created through the gateway and paid in the sandbox', () => {
  const gw = useTestGateway({ publicUrlIsGateway: true, sandboxes: { now: new Date() } });

  beforeAll(async () => {
    const put = await call(gw().sandboxes.talo.url, 'PUT', '_sandbox/webhooks/config', { body: { baseDelayMs: 100, factor: 1 } });
    expect(put.status).toBe(200);
  });

  it('the graphql-sse client receives PAYMENT_CREATED, then PAYMENT_UPDATED with SUCCESS from the webhook', async () => {
    const received: PaymentEvent[] = [];
    const errors: unknown[] = [];
    const client = sseClient(gw());
    const unsubscribe = client.subscribe<{ paymentEvents: PaymentEvent }>(
      { query: SUBSCRIPTION, variables: { provider: 'TALO' } },
      {
        next: (result) => (result.errors ? errors.push(...result.errors) : received.push(result.data!.paymentEvents)),
        error: (error) => void errors.push(error),
        complete: () => undefined,
      },
    );
    await waitFor('the subscription to be registered', () => bus(gw()).subscriberCount === 1);

    const { body } = await gw().query(CREATE_PAYMENT, {
      input: { price: { amount: '1500.00', currency: 'ARS' }, externalId: `sse-${process.pid}`, redirectUrl: 'https://shop.example/thanks' },
    });
    expect(body.data.createPayment.userErrors).toEqual([]);
    const paymentId = body.data.createPayment.payment.id as string;
    const localId = Buffer.from(paymentId, 'base64url').toString().split(':')[2]!;
    expect((await call(gw().sandboxes.talo.url, 'POST', `_sandbox/payments/${localId}/settle`)).status).toBe(201);

    await waitFor('PAYMENT_UPDATED', () => received.some((e) => e.type === 'PAYMENT_UPDATED' && e.payment?.id === paymentId));
    expect(errors).toEqual([]);
    expect(received.filter((e) => e.payment?.id === paymentId).map((e) => [e.type, e.payment?.status])).toEqual([
      ['PAYMENT_CREATED', 'PENDING'],
      ['PAYMENT_UPDATED', 'SUCCESS'],
    ]);
    unsubscribe();
    await waitFor('the subscription to be released', () => bus(gw()).subscriberCount === 0);
  });
});

describe('GraphQL over SSE: graceful shutdown', () => {
  it('closing the gateway ends open SSE streams (without `complete`) and releases their subscriptions', async () => {
    const gw = await startTestGateway();
    let closed = false;
    try {
      const stream = await rawSse(gw, { query: SUBSCRIPTION });
      await waitFor('the subscription to be registered', () => bus(gw).subscriberCount === 1);
      const closing = gw.close().then(() => (closed = true));
      await waitFor('the stream to end', () => stream.ended);
      await closing;
      expect(stream.frames.filter((frame) => frame.event === 'complete')).toEqual([]);
      expect(bus(gw).subscriberCount).toBe(0);
    } finally {
      if (!closed) await gw.close();
    }
  });
});
