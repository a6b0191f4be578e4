/**
 * Who may subscribe: with client apps configured (CLIENTS_FILE), a graphql-ws connection presents its
 * API key in connectionParams.authorization (or the upgrade request's Authorization header). Without a
 * valid key the connection is closed with 4403 and never subscribes; a key without the `read` scope
 * gets FORBIDDEN for paymentEvents; a valid reader receives events.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ClientRegistry } from '../../src/auth/clients.js';
import type { MemoryEventBus } from '../../src/events/bus.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const READER_KEY = 'pk_test_reader_0123456789';
const PAYER_KEY = 'pk_test_payer_0123456789';
const clients = ClientRegistry.fromJson([
  { name: 'dashboard', keySha256: sha256(READER_KEY), scopes: ['read'] },
  { name: 'checkout', keySha256: sha256(PAYER_KEY), scopes: ['cashin'] },
]);

const SUBSCRIPTION = 'subscription { paymentEvents { id provider type } }';

interface Attempt {
  received: { id: string; provider: string; type: string }[];
  errors: any[];
  closeCodes: number[];
  connected: boolean;
  completed: boolean;
}

const open: Client[] = [];
afterEach(async () => {
  for (const client of open.splice(0)) await client.dispose();
});

/** A WebSocket that sends an Authorization header with its upgrade request. */
function withHeader(authorization: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { authorization } });
    }
  } as typeof WebSocket;
}

function attempt(gw: TestGateway, options: { connectionParams?: Record<string, unknown>; webSocketImpl?: typeof WebSocket } = {}): Attempt {
  const state: Attempt = { received: [], errors: [], closeCodes: [], connected: false, completed: false };
  const client = createClient({
    url: gw.wsUrl,
    webSocketImpl: options.webSocketImpl ?? WebSocket,
    connectionParams: options.connectionParams,
    retryAttempts: 0,
    on: {
      connected: () => (state.connected = true),
      closed: (event) => void state.closeCodes.push((event as { code: number }).code),
    },
  });
  open.push(client);
  client.subscribe<{ paymentEvents: Attempt['received'][number] }>(
    { query: SUBSCRIPTION },
    {
      next: (result) => (result.errors ? state.errors.push(...result.errors) : state.received.push(result.data!.paymentEvents)),
      error: (error) => void state.errors.push(error),
      complete: () => (state.completed = true),
    },
  );
  return state;
}

const bus = (gw: TestGateway) => gw.gateway.events as MemoryEventBus;
const publish = (gw: TestGateway, id: string) =>
  gw.gateway.events.publish({ id, provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });

describe('subscription authentication (client apps configured)', () => {
  const gw = useTestGateway({ clients });

  it.each([
    ['no key at all', {}],
    ['an unknown key', { connectionParams: { authorization: 'Bearer pk_test_unknown' } }],
    ['a key without the Bearer scheme', { connectionParams: { authorization: READER_KEY } }],
    ['an unknown key in the upgrade header', { webSocketImpl: withHeader('Bearer pk_test_unknown') }],
  ])('%s → the connection is closed with 4403 and nothing is subscribed', async (_label, options) => {
    const refused = attempt(gw(), options);
    await waitFor('the connection to close', () => refused.closeCodes.length > 0);
    expect(refused.closeCodes).toEqual([4403]);
    expect(refused.connected).toBe(false);
    expect(bus(gw()).subscriberCount).toBe(0);
    // Even events published now reach no one.
    await publish(gw(), 'evt_after_refusal');
    expect(refused.received).toEqual([]);
  });

  it('a key without the read scope → the subscription errors with FORBIDDEN and is not registered', async () => {
    const payer = attempt(gw(), { connectionParams: { authorization: `Bearer ${PAYER_KEY}` } });
    await waitFor('the subscription error', () => payer.errors.length > 0);
    expect(payer.connected).toBe(true);
    expect(payer.errors).toHaveLength(1);
    const [errors] = payer.errors;
    expect(Array.isArray(errors)).toBe(true);
    expect(errors[0].extensions.code).toBe('FORBIDDEN');
    expect(errors[0].message).toMatch(/read/);
    expect(bus(gw()).subscriberCount).toBe(0);
  });

  it.each([
    ['connectionParams.authorization', { connectionParams: { authorization: `Bearer ${READER_KEY}` } }],
    ['the upgrade request Authorization header', { webSocketImpl: withHeader(`Bearer ${READER_KEY}`) }],
  ])('a reader key in %s subscribes and receives events', async (label, options) => {
    const reader = attempt(gw(), options);
    await waitFor('the subscription to be registered', () => bus(gw()).subscriberCount === 1);
    // An event id is logged (and delivered) once: each case publishes its own.
    const id = `evt_for_reader_${label.replace(/\W+/g, '_')}`;
    await publish(gw(), id);
    await waitFor('the event', () => reader.received.length > 0);
    expect(reader.received).toEqual([{ id, provider: 'TALO', type: 'PAYMENT_UPDATED' }]);
    expect(reader.errors).toEqual([]);
    expect(reader.closeCodes).toEqual([]);
    await open.splice(0).at(0)!.dispose();
    await waitFor('the subscription to be released', () => bus(gw()).subscriberCount === 0);
  });
});
