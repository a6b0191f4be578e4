/**
 * A subscriber that reads slower than events come, over a real WebSocket whose client stops reading
 * (TCP backpressure fills the socket, then the gateway's bounded queue for it): it loses nothing while
 * the event log holds its place — past its queue it reads on from the log — and when the log has let
 * its place go (EVENT_LOG_MAX_LENGTH passed it) the stream's last answer is a SUBSCRIBER_TOO_SLOW error,
 * then it completes (not an internal error, not a dropped socket).
 */
import 'reflect-metadata';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MemoryEventBus } from '../../src/events/bus.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const SUBSCRIPTION = 'subscription { paymentEvents { id cursor type } }';
/** Long ids make each frame larger, so fewer events fill the socket's buffers. */
const PAD = 'x'.repeat(400);

interface Message {
  id?: string;
  type: string;
  payload?: { data?: { paymentEvents?: { id: string } } | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

async function gatewayWith(env: Record<string, string> = {}): Promise<{ gw: TestGateway; bus: MemoryEventBus }> {
  const gw = await startTestGateway({ env });
  cleanups.push(() => gw.close());
  return { gw, bus: gw.gateway.events as MemoryEventBus };
}

/** A graphql-transport-ws client whose reading can be stopped (ws's pause()). */
async function subscribe(gw: TestGateway, bus: MemoryEventBus): Promise<{ socket: WebSocket; messages: Message[] }> {
  const socket = new WebSocket(gw.wsUrl, 'graphql-transport-ws');
  cleanups.push(async () => socket.terminate());
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await waitFor('the connection acknowledged', () => messages.some((m) => m.type === 'connection_ack'));
  const before = bus.subscriberCount;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
  await waitFor('the subscription to listen', () => bus.subscriberCount > before);
  return { socket, messages };
}

/** Publishes until the stalled subscriber's queue has overflowed (it leaves the bus's live list): the ids, in order. */
async function publishUntilBehind(bus: MemoryEventBus, label: string): Promise<string[]> {
  const ids: string[] = [];
  while (bus.subscriberCount > 0) {
    if (ids.length >= 300_000) throw new Error('the stalled subscriber never fell behind its queue');
    for (let i = 0; i < 500; i++) {
      const id = `${label}-${ids.length}-${PAD}`;
      await bus.publish({ id, provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
      ids.push(id);
    }
    // Let the gateway write what the socket still takes before publishing more.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return ids;
}

async function publishMore(bus: MemoryEventBus, label: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${label}-${i}-${PAD}`;
    await bus.publish({ id, provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
    ids.push(id);
  }
  return ids;
}

const received = (messages: Message[]) =>
  messages.filter((m) => m.type === 'next' && m.payload?.data?.paymentEvents).map((m) => m.payload!.data!.paymentEvents!.id);

describe('a subscriber slower than its events (WebSocket, client not reading)', () => {
  it('loses nothing while the log holds its place: every event once, in order, then live ones', async () => {
    const { gw, bus } = await gatewayWith();
    const { socket, messages } = await subscribe(gw, bus);
    socket.pause();
    const sent = await publishUntilBehind(bus, 'slow');
    sent.push(...(await publishMore(bus, 'after', 100)));
    socket.resume();
    await waitFor('every event received', () => received(messages).length >= sent.length, 60_000);
    expect(received(messages)).toEqual(sent);
    // Following live again.
    const [live] = await publishMore(bus, 'live', 1);
    await waitFor('the live event', () => received(messages).at(-1) === live);
    expect(messages.filter((m) => m.type === 'error' || m.payload?.errors)).toEqual([]);
  });

  it('when the log has let its place go: a SUBSCRIBER_TOO_SLOW answer, then complete', async () => {
    const { gw, bus } = await gatewayWith({ EVENT_LOG_MAX_LENGTH: '100' });
    const { socket, messages } = await subscribe(gw, bus);
    socket.pause();
    const sent = await publishUntilBehind(bus, 'slow');
    sent.push(...(await publishMore(bus, 'after', 200)));
    socket.resume();
    await waitFor('the subscription to complete', () => messages.some((m) => m.type === 'complete' && m.id === '1'), 60_000);
    const last = messages.filter((m) => m.id === '1').at(-2)!;
    expect(last.type).toBe('next');
    expect(last.payload?.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/fell so far behind.*subscribe again/),
        extensions: expect.objectContaining({ code: 'SUBSCRIBER_TOO_SLOW' }),
      }),
    ]);
    // What it did receive came in order, with nothing twice.
    const got = received(messages);
    expect(got.length).toBeLessThan(sent.length);
    expect(got).toEqual(sent.slice(0, got.length));
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });
});
