/**
 * MemoryEventBus and its bounded Subscriber: events reach matching subscribers in publish order, a
 * provider filter holds, and a subscriber that falls behind its queue reads on from the log instead of
 * queueing without bound — ended with SlowSubscriberError only when the log no longer holds its place.
 */
import { describe, expect, it } from 'vitest';
import {
  FollowingSubscription,
  MemoryEventBus,
  PAGE_SCAN_LIMIT,
  SlowSubscriberError,
  Subscriber,
  type LoggedEvent,
  type PaymentEventValue,
} from '../../src/events/bus.js';
import { CursorExpiredError } from '../../src/events/log.js';

/** A page of the log as `read` answers it: read on after its last event. */
const page = (events: LoggedEvent[], hasMore: boolean) => ({ events, hasMore, endCursor: events.at(-1)?.cursor });

let seq = 0;
const event = (provider: PaymentEventValue['provider'] = 'TALO', overrides: Partial<PaymentEventValue> = {}): PaymentEventValue => ({
  id: `evt_${++seq}`,
  provider,
  type: 'PAYMENT_UPDATED',
  occurredAt: new Date(0).toISOString(),
  ...overrides,
});

describe('MemoryEventBus', () => {
  it('delivers each published event to every subscriber, in publish order', async () => {
    const bus = new MemoryEventBus();
    const a = bus.subscribe({});
    const b = bus.subscribe({});
    const events = [];
    for (const e of [event(), event('TUPAY'), event('TELEPAGOS')]) events.push(await bus.publish(e));
    for (const sub of [a, b]) {
      const got = [await sub.next(), await sub.next(), await sub.next()].map((r) => r.value);
      expect(got).toEqual(events);
    }
    await bus.close();
  });

  it('hands an event to a subscriber already waiting for one', async () => {
    const bus = new MemoryEventBus();
    const sub = bus.subscribe({});
    const pending = sub.next();
    const e = await bus.publish(event());
    await expect(pending).resolves.toEqual({ value: e, done: false });
    await bus.close();
  });

  it('a provider filter only lets that provider through', async () => {
    const bus = new MemoryEventBus();
    const telepagos = bus.subscribe({ provider: 'TELEPAGOS' });
    const talo = event('TALO');
    await bus.publish(talo);
    const tp = await bus.publish(event('TELEPAGOS'));
    expect(await telepagos.next()).toEqual({ value: tp, done: false });
    expect((telepagos as FollowingSubscription).queued).toBe(0);
    await bus.close();
  });

  it('events published before subscribing are not replayed', async () => {
    const bus = new MemoryEventBus();
    await bus.publish(event());
    const sub = bus.subscribe({}) as FollowingSubscription;
    expect(sub.queued).toBe(0);
    await bus.close();
  });

  it('return() ends a subscriber and removes it from the bus', async () => {
    const bus = new MemoryEventBus();
    const sub = bus.subscribe({});
    expect(bus.subscriberCount).toBe(1);
    const pending = sub.next();
    await sub.return!();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount).toBe(0);
    await bus.publish(event());
    await expect(sub.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('close() ends every subscriber', async () => {
    const bus = new MemoryEventBus();
    const subs = [bus.subscribe({}), bus.subscribe({ provider: 'TUPAY' })];
    const pending = subs.map((s) => s.next());
    await bus.close();
    for (const p of pending) await expect(p).resolves.toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount).toBe(0);
  });
});

describe('slow subscribers are bounded, and lose nothing while the log holds their place', () => {
  it('a subscriber that falls more than its queue behind reads on from the log: every event once, in order', async () => {
    const bus = new MemoryEventBus(3);
    const slow = bus.subscribe({}) as FollowingSubscription;
    const sent = [];
    for (let i = 0; i < 40; i++) sent.push(await bus.publish(event()));
    // Its queue overflowed long ago: it left the bus's live list, holding one event, not forty.
    expect(bus.subscriberCount).toBe(0);
    expect(slow.queued).toBe(1);
    const got = [];
    for (let i = 0; i < 40; i++) got.push((await slow.next()).value);
    expect(got).toEqual(sent);
    // Back to following live, listening anew.
    expect(bus.subscriberCount).toBe(1);
    const live = bus.publish(event());
    expect((await slow.next()).value).toEqual(await live);
    await bus.close();
  });

  it('a subscriber whose place left the log is ended with SlowSubscriberError (after the events it was holding), then done', async () => {
    const bus = new MemoryEventBus(3, { retentionMs: 3_600_000, maxLength: 5 });
    const slow = bus.subscribe({});
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await bus.publish(event()));
    // The oldest event queued is kept to say where it was; the log has moved on past it.
    expect((await slow.next()).value).toEqual(sent[0]);
    const error = await slow.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlowSubscriberError);
    expect((error as Error).message).toMatch(/no longer kept.*subscribe again/);
    await expect(slow.next()).resolves.toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount).toBe(0);
    await bus.close();
  });

  it('a Subscriber on its own never queues more than its limit', () => {
    let ended: Subscriber | undefined;
    const sub = new Subscriber({}, (s) => (ended = s), 2);
    for (let i = 0; i < 1_000; i++) sub.push({ ...event(), cursor: `c${i}` });
    // Ended at the first overflow, holding its oldest event only (where its consumer reads on from in the log).
    expect(sub.queued).toBe(1);
    expect(ended).toBe(sub);
  });

  it('a subscriber that keeps up is never dropped, however many events pass', async () => {
    const bus = new MemoryEventBus(2);
    const sub = bus.subscribe({});
    for (let i = 0; i < 50; i++) {
      await bus.publish(event());
      expect((await sub.next()).done).toBe(false);
    }
    expect(bus.subscriberCount).toBe(1);
    await bus.close();
  });
});

describe('the memory event log keeps at most its length, for at most its retention', () => {
  it('a cursor whose entry was pushed out by the length cap is CursorExpiredError; the newer ones still read', async () => {
    const bus = new MemoryEventBus(undefined, { retentionMs: 3_600_000, maxLength: 3 });
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await bus.publish(event()));
    expect(bus.log.length).toBe(3);
    await expect(bus.read({}, sent[0]!.cursor, 10)).rejects.toBeInstanceOf(CursorExpiredError);
    await expect(bus.resume({}, sent[1]!.cursor)).rejects.toBeInstanceOf(CursorExpiredError);
    expect(bus.subscriberCount).toBe(0); // the refused resume left no listener behind
    expect(await bus.read({}, sent[2]!.cursor, 10)).toEqual(page(sent.slice(3), false));
    expect(await bus.read({}, undefined, 10)).toEqual(page(sent.slice(2), false));
    await bus.close();
  });

  it('events older than the retention are dropped, and a cursor older than it is refused even while its entry is kept', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const bus = new MemoryEventBus(undefined, { retentionMs: 60_000, maxLength: 100, now: () => now });
    const old = await bus.publish(event());
    now += 30_000;
    const newer = await bus.publish(event());
    now += 40_000; // `old` is 70 s old, `newer` 40 s
    const error = await bus.read({}, old.cursor, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorExpiredError);
    expect((error as Error).message).toMatch(/re-read/);
    expect(await bus.read({}, undefined, 10)).toEqual(page([newer], false));
    expect(bus.log.length).toBe(1);
    await bus.close();
  });

  it('a filtered page reads at most PAGE_SCAN_LIMIT entries: a short page with hasMore, and the next page goes on from where it stopped', async () => {
    const bus = new MemoryEventBus(undefined, { retentionMs: 3_600_000, maxLength: 10_000 });
    const mark = await bus.publish(event('TALO'));
    for (let i = 0; i < PAGE_SCAN_LIMIT + 50; i++) await bus.publish(event('TALO'));
    const rare = await bus.publish(event('TUPAY'));
    const first = await bus.read({ provider: 'TUPAY' }, mark.cursor, 10);
    expect(first.events).toEqual([]);
    expect(first.hasMore).toBe(true);
    expect(first.endCursor).toEqual(expect.any(String));
    expect(await bus.read({ provider: 'TUPAY' }, first.endCursor, 10)).toEqual(page([rare], false));
    await bus.close();
  });

  it('a resumed subscription ends at once on return(), even while it waits for a live event', async () => {
    const bus = new MemoryEventBus();
    const mark = await bus.publish(event());
    const resumed = await bus.resume({}, mark.cursor);
    const waiting = resumed.next();
    await resumed.return!();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount).toBe(0);
    await bus.close();
  });

  it('a resumed subscription whose live queue overflowed while it caught up reads the rest from the log', async () => {
    const bus = new MemoryEventBus(5);
    const mark = await bus.publish(event());
    const behind = [];
    for (let i = 0; i < 300; i++) behind.push(await bus.publish(event()));
    const resumed = await bus.resume({}, mark.cursor);
    const seen = [];
    // Read half, then let more than the live queue holds arrive before reading on.
    for (let i = 0; i < 150; i++) seen.push((await resumed.next()).value);
    for (let i = 0; i < 20; i++) behind.push(await bus.publish(event()));
    for (let i = 150; i < 320; i++) seen.push((await resumed.next()).value);
    expect(seen).toEqual(behind);
    const live = await bus.publish(event());
    expect(await resumed.next()).toEqual({ value: live, done: false });
    await resumed.return!();
    await bus.close();
  });
});
