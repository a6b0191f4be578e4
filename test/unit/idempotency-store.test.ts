/**
 * MemoryIdempotencyStore: claim / complete / release, lease lapse (takeover), conflict, retention.
 * Time is moved with a fake clock, never waited for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDEMPOTENCY_RETENTION_MS, LAPSED_WHY, MemoryIdempotencyStore } from '../../src/state/idempotency-store.js';

const LEASE = 30_000;

describe('MemoryIdempotencyStore', () => {
  let store: MemoryIdempotencyStore;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-15T12:00:00Z') });
    store = new MemoryIdempotencyStore();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the first claim of a key is ours (attempt 1) and leaves a pending record with its fingerprint', async () => {
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'claimed', attempt: 1 });
    expect(await store.get('k')).toEqual({ fingerprint: 'fp', state: 'pending', leaseUntilMs: Date.now() + LEASE, attempts: 1, outcome: undefined });
  });

  it('while the lease is held, the same key and input is in_progress; other input is a conflict', async () => {
    await store.claim('k', 'fp', LEASE);
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'in_progress' });
    expect(await store.claim('k', 'other', LEASE)).toEqual({ status: 'conflict' });
    vi.advanceTimersByTime(LEASE - 1);
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'in_progress' });
  });

  it('completed: the same input replays the outcome, other input is a conflict, no further claim', async () => {
    await store.claim('k', 'fp', LEASE);
    await store.complete('k', { cashoutId: '100264' }, IDEMPOTENCY_RETENTION_MS);
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'completed', outcome: { cashoutId: '100264' } });
    expect(await store.claim('k', 'other', LEASE)).toEqual({ status: 'conflict' });
    // Long after any lease, still a replay (not a takeover).
    vi.advanceTimersByTime(LEASE * 10);
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'completed', outcome: { cashoutId: '100264' } });
    expect((await store.get('k'))!.attempts).toBe(1);
  });

  it('release: the record stays pending (unknown outcome) and the next claim with the same input takes over as attempt 2', async () => {
    await store.claim('k', 'fp', LEASE);
    await store.release('k');
    expect((await store.get('k'))!.state).toBe('pending');
    // Other input cannot take the key over: it is still reserved for the first input.
    expect(await store.claim('k', 'other', LEASE)).toEqual({ status: 'conflict' });
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'claimed', attempt: 2 });
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'in_progress' });
  });

  it('a lapsed lease (the holder died) lets the next caller take over; the holder may still complete', async () => {
    await store.claim('k', 'fp', LEASE);
    const startedAt = Date.now();
    vi.advanceTimersByTime(LEASE);
    // The takeover is told that the holder may have acted (issue 27): since its lease began.
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'claimed', attempt: 2, unknown: { sinceMs: startedAt, why: LAPSED_WHY } });
    await store.complete('k', 'done', IDEMPOTENCY_RETENTION_MS);
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'completed', outcome: 'done' });
  });

  it('release after complete does not reopen a completed record', async () => {
    await store.claim('k', 'fp', LEASE);
    await store.complete('k', 'done', IDEMPOTENCY_RETENTION_MS);
    await store.release('k');
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'completed', outcome: 'done' });
  });

  it('retention: a completed record is kept for its retention (24 h), then the key is free again', async () => {
    expect(IDEMPOTENCY_RETENTION_MS).toBe(24 * 60 * 60 * 1000);
    await store.claim('k', 'fp', LEASE);
    await store.complete('k', 'done', IDEMPOTENCY_RETENTION_MS);
    vi.advanceTimersByTime(IDEMPOTENCY_RETENTION_MS - 1);
    expect(await store.claim('k', 'other', LEASE)).toEqual({ status: 'conflict' });
    vi.advanceTimersByTime(1);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.claim('k', 'other', LEASE)).toEqual({ status: 'claimed', attempt: 1 });
  });

  it('retention counts from completion, not from the first claim', async () => {
    await store.claim('k', 'fp', LEASE);
    vi.advanceTimersByTime(LEASE);
    await store.complete('k', 'done', IDEMPOTENCY_RETENTION_MS);
    vi.advanceTimersByTime(IDEMPOTENCY_RETENTION_MS - 1);
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'completed', outcome: 'done' });
  });

  it('a pending record is kept for the retention too: a key left pending is still reserved for its input hours later', async () => {
    await store.claim('k', 'fp', LEASE);
    await store.release('k');
    vi.advanceTimersByTime(12 * 3600_000);
    expect(await store.claim('k', 'other', LEASE)).toEqual({ status: 'conflict' });
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'claimed', attempt: 2 });
  });

  it('keys are independent', async () => {
    await store.claim('a', 'fp', LEASE);
    expect(await store.claim('b', 'other', LEASE)).toEqual({ status: 'claimed', attempt: 1 });
  });

  it('complete or release of an unknown key is a no-op', async () => {
    await store.complete('nope', 'x', IDEMPOTENCY_RETENTION_MS);
    await store.release('nope');
    expect(await store.get('nope')).toBeUndefined();
  });

  it('get returns a copy: changing it does not change the store', async () => {
    await store.claim('k', 'fp', LEASE);
    const record = (await store.get('k'))!;
    record.fingerprint = 'tampered';
    record.state = 'completed';
    expect(await store.claim('k', 'fp', LEASE)).toEqual({ status: 'in_progress' });
  });

  it('concurrent claims of a fresh key: exactly one is claimed', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim('k', 'fp', LEASE)));
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(19);
  });
});
