/**
 * The watcher's rules on an injected clock, one pass at a time (no timers): the first re-read one
 * interval after the watch, waits doubling up to the maximum, a change published once (and a state the
 * gateway already published never again), the entry dropped when final or expired, a final state
 * already recorded costing no read, the per-provider budget deferring what it cannot pay for, and a
 * failed read tried again later.
 */
import { describe, expect, it } from 'vitest';
import type { PaymentEventValue } from '../../src/events/bus.js';
import { MemoryEventBus } from '../../src/events/bus.js';
import { MemoryEventDedupeStore } from '../../src/events/dedupe.js';
import type { Reading } from '../../src/events/readings.js';
import { eventId } from '../../src/events/values.js';
import { MemoryWatchStore } from '../../src/events/watch-store.js';
import { pollBudget, Watcher, type RereadOutcome, type WatchKind } from '../../src/events/watcher.js';
import { createLogger } from '../../src/logging.js';
import { MemoryRateLimiter } from '../../src/state/rate-limiter.js';
import { ProviderError } from '../../src/providers/errors.js';

const INTERVAL = 1_000;
const MAX = 5_000;
const EXPIRY = 60_000;

interface Thing {
  status: string;
  final: boolean;
}

function setup(options: { budget?: { perSecond: number; burst: number } } = {}) {
  let now = 1_700_000_000_000;
  const things = new Map<string, Thing | Error>();
  const reads: string[] = [];
  const kind: WatchKind<Thing> = {
    kind: 'thing',
    async read(_provider, id) {
      reads.push(id);
      const thing = things.get(id);
      if (thing instanceof Error) throw thing;
      if (!thing) throw new Error(`no thing ${id}`);
      return thing;
    },
    judge: (thing): Reading => ({
      state: thing.status,
      final: thing.final,
      event: { type: 'PAYMENT_UPDATED', occurredAt: 'x', payment: { status: thing.status } },
    }),
    object: (id) => `thing:${id}`,
  };
  const store = new MemoryWatchStore();
  const dedupe = new MemoryEventDedupeStore();
  const events = new MemoryEventBus();
  const published: PaymentEventValue[] = [];
  const iterator = events.subscribe({});
  void (async () => {
    for await (const event of iterator) published.push(event);
  })();
  const outcomes: RereadOutcome[] = [];
  const watcher = new Watcher({
    store,
    dedupe,
    events,
    rateLimiter: options.budget ? new MemoryRateLimiter() : undefined,
    budget: options.budget,
    logger: createLogger({ level: 'silent' }),
    providers: () => ['TALO'],
    intervalMs: INTERVAL,
    maxIntervalMs: MAX,
    expiryMs: EXPIRY,
    now: () => now,
    onReread: (_provider, _kind, outcome) => outcomes.push(outcome),
  }).register(kind);
  return {
    watcher,
    store,
    dedupe,
    things,
    reads,
    published,
    outcomes,
    advance: (ms: number) => (now += ms),
    now: () => now,
    due: async (id: string) => (await store.get('thing', 'TALO', id))?.dueAt,
    // Lets the subscriber's loop take what was published.
    settle: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

describe('Watcher', () => {
  it('re-reads first after the interval, then doubling up to the maximum; an unchanged state publishes nothing', async () => {
    const w = setup();
    w.things.set('a', { status: 'PENDING', final: false });
    await w.watcher.watch('thing', 'TALO', 'a', { status: 'PENDING', final: false });
    expect(await w.due('a')).toBe(w.now() + INTERVAL);
    await w.watcher.pass();
    expect(w.reads).toEqual([]);

    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      w.advance((await w.due('a'))! - w.now());
      await w.watcher.pass();
      waits.push((await w.due('a'))! - w.now());
    }
    expect(waits).toEqual([2_000, 4_000, 5_000, 5_000, 5_000]);
    expect(w.reads).toHaveLength(5);
    expect((await w.store.get('thing', 'TALO', 'a'))?.entry.attempt).toBe(5);
    await w.settle();
    expect(w.published).toEqual([]);
    expect(w.outcomes).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('a change is published once (with the id the webhook path gives it); final drops the watch', async () => {
    const w = setup();
    w.things.set('b', { status: 'PENDING', final: false });
    await w.watcher.watch('thing', 'TALO', 'b', { status: 'PENDING', final: false });
    w.things.set('b', { status: 'PARTIAL', final: false });
    w.advance(INTERVAL);
    await w.watcher.pass();
    w.things.set('b', { status: 'PAID', final: true });
    w.advance(2 * INTERVAL);
    await w.watcher.pass();
    await w.settle();
    expect(w.published.map((e) => [e.provider, (e.payment as Thing).status])).toEqual([
      ['TALO', 'PARTIAL'],
      ['TALO', 'PAID'],
    ]);
    expect(w.published.map((e) => e.id)).toEqual([eventId('TALO', 'thing:b:PARTIAL'), eventId('TALO', 'thing:b:PAID')]);
    expect(w.outcomes).toEqual(['published', 'published']);
    expect(await w.store.get('thing', 'TALO', 'b')).toBeUndefined();
    expect(await w.dedupe.lookup('TALO:thing:b', 'PAID')).toEqual({ recorded: true, final: true });
  });

  it('an object whose final state is recorded already (its notification came first) is dropped without a read', async () => {
    const w = setup();
    await w.watcher.watch('thing', 'TALO', 'c', { status: 'PENDING', final: false });
    await w.dedupe.record('TALO:thing:c', 'PAID', true, 60_000);
    w.advance(INTERVAL);
    await w.watcher.pass();
    expect(w.reads).toEqual([]);
    expect(w.outcomes).toEqual(['final']);
    expect(await w.store.get('thing', 'TALO', 'c')).toBeUndefined();
  });

  it('an object created final is not watched; an unknown kind is not watched (and watch does not throw)', async () => {
    const w = setup();
    await w.watcher.watch('thing', 'TALO', 'd', { status: 'PAID', final: true });
    await w.watcher.watch('nothing', 'TALO', 'e');
    expect(await w.store.get('thing', 'TALO', 'd')).toBeUndefined();
    expect(await w.store.get('nothing', 'TALO', 'e')).toBeUndefined();
  });

  it('a failed read is tried again later (backing off); past its expiry the watch is dropped unread', async () => {
    const w = setup();
    w.things.set('f', new ProviderError('Talo is down', { provider: 'TALO', reason: 'SERVER_ERROR' }));
    await w.watcher.watch('thing', 'TALO', 'f');
    w.advance(INTERVAL);
    await w.watcher.pass();
    expect(w.outcomes).toEqual(['failed']);
    expect(await w.due('f')).toBe(w.now() + 2 * INTERVAL);
    w.advance(EXPIRY);
    await w.watcher.pass();
    expect(w.outcomes).toEqual(['failed', 'expired']);
    expect(w.reads).toEqual(['f']);
    expect(await w.store.get('thing', 'TALO', 'f')).toBeUndefined();
  });

  it('the per-provider budget: what it cannot pay for is put back, due when a token is', async () => {
    const w = setup({ budget: pollBudget(6) });
    expect(pollBudget(6)).toEqual({ perSecond: 0.1, burst: 1 });
    for (const id of ['g1', 'g2', 'g3']) {
      w.things.set(id, { status: 'PENDING', final: false });
      await w.watcher.watch('thing', 'TALO', id);
    }
    w.advance(INTERVAL);
    await w.watcher.pass();
    expect(w.reads).toHaveLength(1);
    // Watched without a known state: the first read is news.
    expect(w.outcomes.sort()).toEqual(['deferred', 'deferred', 'published']);
    const deferred = ['g1', 'g2', 'g3'].filter((id) => !w.reads.includes(id));
    for (const id of deferred) {
      const entry = await w.store.get('thing', 'TALO', id);
      expect(entry?.entry.attempt).toBe(0);
      expect(entry!.dueAt).toBeGreaterThan(w.now());
      expect(entry!.dueAt).toBeLessThanOrEqual(w.now() + 10_000);
    }
  });
});
