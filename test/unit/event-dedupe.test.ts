/**
 * MemoryEventDedupeStore's own bounds (the behaviour shared with Redis is in test/state/contracts.ts):
 * an object is remembered for the whole retention on an injected clock, and the store never holds more
 * than its object cap, dropping the least recently recorded first.
 */
import { describe, expect, it } from 'vitest';
import { MAX_OBJECTS_IN_MEMORY, MemoryEventDedupeStore, PUBLISHED_STATE_RETENTION_MS } from '../../src/events/dedupe.js';

const DAY = 24 * 60 * 60 * 1000;

describe('MemoryEventDedupeStore', () => {
  it('remembers for more than a year, and holds a bounded number of objects', () => {
    expect(PUBLISHED_STATE_RETENTION_MS).toBeGreaterThanOrEqual(365 * DAY);
    expect(MAX_OBJECTS_IN_MEMORY).toBeGreaterThan(0);
  });

  it('a published state is still known a day, a month and almost the retention later; forgotten after it', async () => {
    let now = Date.parse('2026-01-15T12:00:00Z');
    const store = new MemoryEventDedupeStore({ now: () => now });
    expect(await store.record('TELEPAGOS:cashin.credited:1', 'Aprobada', false, PUBLISHED_STATE_RETENTION_MS)).toBe(true);
    for (const later of [DAY + 1, 30 * DAY, PUBLISHED_STATE_RETENTION_MS - 1]) {
      now = Date.parse('2026-01-15T12:00:00Z') + later;
      expect(await store.lookup('TELEPAGOS:cashin.credited:1', 'Aprobada'), `after ${later} ms`).toEqual({ recorded: true, final: false });
    }
    now = Date.parse('2026-01-15T12:00:00Z') + PUBLISHED_STATE_RETENTION_MS;
    expect(await store.lookup('TELEPAGOS:cashin.credited:1', 'Aprobada')).toEqual({ recorded: false, final: false });
  });

  it('at its cap, recording a new object drops the least recently recorded one', async () => {
    const store = new MemoryEventDedupeStore({ maxObjects: 3 });
    for (const object of ['a', 'b', 'c']) await store.record(object, 'S', false, DAY);
    // `a` is recorded again (a duplicate): now `b` is the least recently recorded.
    expect(await store.record('a', 'S', false, DAY)).toBe(false);
    await store.record('d', 'S', false, DAY);
    expect(store.size).toBe(3);
    expect((await store.lookup('b', 'S')).recorded).toBe(false);
    for (const object of ['a', 'c', 'd']) expect((await store.lookup(object, 'S')).recorded, object).toBe(true);
  });
});
