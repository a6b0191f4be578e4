/** MemoryEventDedupeStore: first sighting true, repeats false within the TTL, true again after it. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_DEDUPE_TTL_MS, MemoryEventDedupeStore } from '../../src/events/dedupe.js';

describe('MemoryEventDedupeStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps keys for at least a day', () => {
    expect(EVENT_DEDUPE_TTL_MS).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
  });

  it('a key is first seen once; repeats are not', async () => {
    const store = new MemoryEventDedupeStore();
    expect(await store.firstSeen('TALO:a', EVENT_DEDUPE_TTL_MS)).toBe(true);
    expect(await store.firstSeen('TALO:a', EVENT_DEDUPE_TTL_MS)).toBe(false);
    expect(await store.firstSeen('TALO:a', EVENT_DEDUPE_TTL_MS)).toBe(false);
    expect(await store.firstSeen('TALO:b', EVENT_DEDUPE_TTL_MS)).toBe(true);
  });

  it('concurrent sightings of one key: exactly one is first', async () => {
    const store = new MemoryEventDedupeStore();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.firstSeen('TUPAY:x', EVENT_DEDUPE_TTL_MS)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('still a duplicate just before a day has passed; first again once it has', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-15T12:00:00Z') });
    const store = new MemoryEventDedupeStore();
    expect(await store.firstSeen('TELEPAGOS:k', EVENT_DEDUPE_TTL_MS)).toBe(true);
    vi.setSystemTime(Date.now() + EVENT_DEDUPE_TTL_MS - 1);
    expect(await store.firstSeen('TELEPAGOS:k', EVENT_DEDUPE_TTL_MS)).toBe(false);
    vi.setSystemTime(Date.now() + 1);
    expect(await store.firstSeen('TELEPAGOS:k', EVENT_DEDUPE_TTL_MS)).toBe(true);
    // …and is then remembered for another day.
    expect(await store.firstSeen('TELEPAGOS:k', EVENT_DEDUPE_TTL_MS)).toBe(false);
  });

  it('expired keys are swept, so memory follows the event rate rather than uptime', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-15T12:00:00Z') });
    const store = new MemoryEventDedupeStore();
    for (let i = 0; i < 100; i++) await store.firstSeen(`k${i}`, 1_000);
    const seen = (store as unknown as { seen: Map<string, number> }).seen;
    expect(seen.size).toBe(100);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    await store.firstSeen('fresh', 1_000);
    expect(seen.size).toBe(1);
  });
});

describe('MemoryEventDedupeStore.forget', () => {
  it('a forgotten key is first seen again (an event that could not be published is not lost to its retry)', async () => {
    const store = new MemoryEventDedupeStore();
    expect(await store.firstSeen('TALO:p', EVENT_DEDUPE_TTL_MS)).toBe(true);
    await store.forget('TALO:p');
    expect(await store.firstSeen('TALO:p', EVENT_DEDUPE_TTL_MS)).toBe(true);
    expect(await store.firstSeen('TALO:p', EVENT_DEDUPE_TTL_MS)).toBe(false);
    await store.forget('never-seen'); // harmless
  });
});
