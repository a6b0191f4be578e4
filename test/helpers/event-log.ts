/**
 * The event log end to end (issue 28), over real WebSocket and HTTP, written once and run in memory
 * (one gateway: both sides are the same) and with two replicas on one Redis: a client that disconnects
 * and resumes with `after` misses nothing and gets nothing twice — also with events published during
 * the hand-over from the log to live events, on the other replica — `Query.events` pages with the same
 * cursors, and a cursor the log no longer has is CURSOR_EXPIRED before anything is sent.
 *
 * The log under test is configured with EVENT_LOG_MAX_LENGTH=1000 (EVENT_LOG_LENGTH below).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { PaymentEventValue } from '../../src/events/bus.js';
import type { Gateway } from '../../src/server.js';
import type { GraphQLResponse } from './gateway.js';
import { waitFor } from './wait.js';

export const EVENT_LOG_LENGTH = 1_000;

export const SUBSCRIBE = `subscription($after: String, $provider: Provider) { paymentEvents(after: $after, provider: $provider) { id cursor provider type payment { id } } }`;
export const EVENTS = `query($after: String, $first: Int, $provider: Provider) {
  events(after: $after, first: $first, provider: $provider) { edges { cursor node { id cursor provider type payment { id } } } pageInfo { hasNextPage endCursor } }
}`;
const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { payment { id } userErrors { message } } }`;

export interface Seen {
  id: string;
  cursor: string;
  provider: string;
  type: string;
  payment: { id: string } | null;
}

/** A gateway as these tests use it: a test gateway in memory, a replica with Redis. */
export interface Side {
  wsUrl: string;
  gateway: Gateway;
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
}

export interface EventStream {
  received: Seen[];
  errors: { message: string; extensions?: Record<string, unknown> }[];
  close(): Promise<void>;
}

type Bus = { subscriberCount: number };

/**
 * Subscribes over graphql-ws; resolves once the gateway holds the subscription (or it was refused:
 * `errors`). A resumed subscription listens before it reads the log, so holding it means nothing
 * published from then on can be missed.
 */
export async function subscribe(side: Side, variables: { after?: string; provider?: string } = {}): Promise<EventStream> {
  const bus = side.gateway.events as unknown as Bus;
  const before = bus.subscriberCount;
  const client = createClient({ url: side.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  const stream: EventStream = {
    received: [],
    errors: [],
    close: async () => {
      await client.dispose();
      await waitFor('the subscription to be released', () => bus.subscriberCount <= before);
    },
  };
  client.subscribe<{ paymentEvents: Seen }>(
    { query: SUBSCRIBE, variables },
    {
      next: (result) => (result.errors ? stream.errors.push(...(result.errors as EventStream['errors'])) : stream.received.push(result.data!.paymentEvents)),
      error: (error) => stream.errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }])),
      complete: () => undefined,
    },
  );
  await waitFor('the subscription to be registered or refused', () => stream.errors.length > 0 || bus.subscriberCount > before);
  return stream;
}

let published = 0;
const run = randomBytes(4).toString('hex');

/** An event as the webhook pipeline and the watcher publish it (src/events/publish-once.ts). */
export function event(label: string, provider: PaymentEventValue['provider'] = 'TELEPAGOS'): PaymentEventValue {
  return { id: `log-${run}-${label}-${++published}`, provider, type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString() };
}

/** Publishes a barrier on `side` and waits until `stream` has it: everything published before has arrived. Returns what came before it since `from`. */
export async function barrier(side: Side, stream: EventStream, from = 0): Promise<Seen[]> {
  const mark = await side.gateway.events.publish(event('barrier'));
  await waitFor(`barrier ${mark.id}`, () => {
    if (stream.errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(stream.errors)}`);
    return stream.received.some((e) => e.id === mark.id);
  });
  return stream.received.slice(
    from,
    stream.received.findIndex((e) => e.id === mark.id),
  );
}

let orders = 0;
/** A Talo payment created through the gateway (it publishes PAYMENT_CREATED): its global id. */
export async function createPayment(side: Side): Promise<string> {
  const { body } = await side.query(CREATE_PAYMENT, {
    input: { price: { amount: '1800.00', currency: 'ARS' }, externalId: `log-${run}-${++orders}`, redirectUrl: 'https://shop.example/thanks' },
  });
  expect(body.errors).toBeUndefined();
  expect(body.data.createPayment.userErrors).toEqual([]);
  return body.data.createPayment.payment.id as string;
}

export function eventLogScenarios(label: string, sides: () => { a: Side; b: Side }): void {
  describe(`the event log over WebSocket and HTTP (${label})`, () => {
    it('a client that disconnects misses nothing: resuming with after gets the changes made meanwhile, in order, once, then live ones', async () => {
      const { a, b } = sides();
      const first = await subscribe(a);
      await createPayment(a);
      const [created] = await waitFor('PAYMENT_CREATED', () => first.received.length > 0 && first.received);
      expect(created!.type).toBe('PAYMENT_CREATED');
      expect(created!.cursor).toEqual(expect.any(String));
      await first.close();

      // While it is away, two payments change (here: are created) — through the other replica.
      const meanwhile = [await createPayment(b), await createPayment(b)];
      const resumed = await subscribe(b, { after: created!.cursor });
      expect(resumed.errors).toEqual([]);
      const caughtUp = await waitFor('the two changes', () => resumed.received.length >= 2 && resumed.received);
      expect(caughtUp.map((e) => e.type)).toEqual(['PAYMENT_CREATED', 'PAYMENT_CREATED']);
      const live = await createPayment(a);
      const seen = await barrier(a, resumed);
      expect(seen.map((e) => e.payment?.id)).toEqual([...meanwhile, live]);
      expect(seen.map((e) => e.type)).toEqual(['PAYMENT_CREATED', 'PAYMENT_CREATED', 'PAYMENT_CREATED']);
      // The log has them in the same order, with the same cursors.
      const { body } = await a.query(EVENTS, { after: created!.cursor, first: 3 });
      expect(body.data.events.edges.map((edge: { node: Seen }) => edge.node)).toEqual(seen);
      await resumed.close();
    });

    it('nothing missed and nothing twice across the hand-over, with events published on both replicas while it catches up', async () => {
      const { a, b } = sides();
      const mark = await a.gateway.events.publish(event('mark'));
      const expected: string[] = [];
      // More than one catch-up batch (200) behind the cursor.
      for (let i = 0; i < 450; i++) expected.push((await (i % 2 ? a : b).gateway.events.publish(event(`behind-${i}`))).id);
      const publishing = (async () => {
        const during: string[] = [];
        for (let i = 0; i < 150; i++) during.push((await (i % 2 ? a : b).gateway.events.publish(event(`during-${i}`))).id);
        return during;
      })();
      const resumed = await subscribe(b, { after: mark.cursor });
      expected.push(...(await publishing));
      const seen = await barrier(a, resumed);
      expect(resumed.errors).toEqual([]);
      expect(seen.map((e) => e.id)).toEqual(expected);
      // Cursors only go forward.
      const cursors = seen.map((e) => e.cursor);
      expect(new Set(cursors).size).toBe(cursors.length);
      await resumed.close();
    });

    it('filters by provider on resume and in events alike', async () => {
      const { a, b } = sides();
      const mark = await a.gateway.events.publish(event('mark'));
      const sent = [];
      for (const provider of ['TALO', 'TUPAY', 'TALO', 'TELEPAGOS'] as const) sent.push(await b.gateway.events.publish(event('p', provider)));
      const talo = sent.filter((e) => e.provider === 'TALO').map((e) => e.id);
      const resumed = await subscribe(a, { after: mark.cursor, provider: 'TALO' });
      await waitFor('the two Talo events', () => resumed.received.length >= 2);
      const barrierOnTalo = await a.gateway.events.publish(event('talo-barrier', 'TALO'));
      await waitFor('the Talo barrier', () => resumed.received.some((e) => e.id === barrierOnTalo.id));
      expect(resumed.received.map((e) => e.id)).toEqual([...talo, barrierOnTalo.id]);
      await resumed.close();
      const { body } = await b.query(EVENTS, { after: mark.cursor, provider: 'TALO', first: 10 });
      expect(body.data.events.edges.map((edge: { node: Seen }) => edge.node.id)).toEqual([...talo, barrierOnTalo.id]);
      expect(body.data.events.pageInfo).toEqual({ hasNextPage: false, endCursor: barrierOnTalo.cursor });
    });

    it('events pages through the log on either replica with the same cursors; first is 1..100', async () => {
      const { a, b } = sides();
      const mark = await a.gateway.events.publish(event('mark'));
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await b.gateway.events.publish(event(`page-${i}`)));
      const pages: string[][] = [];
      let after: string | null = mark.cursor;
      for (let i = 0; after; i++) {
        const { body }: GraphQLResponse = await (i % 2 ? b : a).query(EVENTS, { after, first: 2 });
        expect(body.errors).toBeUndefined();
        const { edges, pageInfo } = body.data.events as {
          edges: { cursor: string; node: Seen }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
        pages.push(edges.map((edge) => edge.node.id));
        for (const edge of edges) expect(edge.cursor).toBe(edge.node.cursor);
        expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
        after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      }
      expect(pages).toEqual([sent.slice(0, 2), sent.slice(2, 4), sent.slice(4)].map((page) => page.map((e) => e.id)));
      // Past the end: an empty page, nothing next.
      const end = await a.query(EVENTS, { after: sent[4]!.cursor });
      expect(end.body.data.events).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
      // Without after: from the oldest kept, 50 by default.
      const oldest = await b.query(EVENTS, {});
      expect(oldest.body.data.events.edges).toHaveLength(50);
      for (const first of [0, 101]) {
        const { body } = await a.query(EVENTS, { first });
        expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('a cursor the log no longer has is CURSOR_EXPIRED, over WebSocket before any event, and in events', async () => {
      const { a, b } = sides();
      const oldest = await a.gateway.events.publish(event('oldest'));
      // Push it out of the log: more than its length after it.
      for (let i = 0; i < EVENT_LOG_LENGTH + 300; i++) await (i % 2 ? a : b).gateway.events.publish(event(`flood-${i}`));
      const notOurs = Buffer.from('pe1:0badc0de:1-1').toString('base64url');
      for (const after of [oldest.cursor, notOurs, 'not-a-cursor', '']) {
        const refused = await subscribe(b, { after });
        expect(refused.errors.map((e) => e.extensions?.code)).toEqual(['CURSOR_EXPIRED']);
        expect(refused.errors[0]!.message).toMatch(/re-read/);
        // Published after the refusal: a refused subscription gets nothing.
        await a.gateway.events.publish(event('after-refusal'));
        await refused.close();
        expect(refused.received).toEqual([]);
        const { body } = await a.query(EVENTS, { after });
        expect(body.data).toBeNull();
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CURSOR_EXPIRED', field: 'after' });
      }
    });
  });
}
