/**
 * runIdempotent and fingerprint (src/modules/common/idempotency.ts) over a MemoryIdempotencyStore:
 * fresh, replayed, conflict, in_progress, concurrent callers sharing one perform, and an unknown
 * outcome leaving the key pending for a takeover.
 */
import { describe, expect, it, vi } from 'vitest';
import { fingerprint, OutcomeUnknown, runIdempotent, UNRECORDED_WHY } from '../../src/modules/common/idempotency.js';
import { MemoryIdempotencyStore, type UnknownNote } from '../../src/state/idempotency-store.js';

/** A memory store whose complete/release fail (a shared store going away mid-operation). */
class FailingStore extends MemoryIdempotencyStore {
  constructor(private readonly failing: { complete?: number; release?: number }) {
    super();
  }
  override async complete(key: string, outcome: unknown, retentionMs: number): Promise<void> {
    if (this.failing.complete && this.failing.complete-- > 0) throw new Error('store down (complete)');
    return super.complete(key, outcome, retentionMs);
  }
  override async release(key: string, unknown?: UnknownNote): Promise<void> {
    if (this.failing.release && this.failing.release-- > 0) throw new Error('store down (release)');
    return super.release(key, unknown);
  }
}

const OPTIONS = { leaseMs: 10_000, waitMs: 10_000, pollMs: 1 };

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('fingerprint', () => {
  it('is the same for the same data in any key order, and differs when any value differs', () => {
    const a = fingerprint({ amount: '10.00', cbu: '0000071000000000999993', client: 'shop' });
    expect(fingerprint({ client: 'shop', cbu: '0000071000000000999993', amount: '10.00' })).toBe(a);
    expect(fingerprint({ amount: '10.01', cbu: '0000071000000000999993', client: 'shop' })).not.toBe(a);
    expect(fingerprint({ amount: '10.00', cbu: '0000071000000000999993', client: 'other' })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('undefined and null are the same (an absent optional field), but a field is not its neighbour', () => {
    expect(fingerprint({ cbu: undefined, alias: 'x' })).toBe(fingerprint({ cbu: null, alias: 'x' }));
    expect(fingerprint({ cbu: 'x', alias: undefined })).not.toBe(fingerprint({ cbu: undefined, alias: 'x' }));
  });

  it('does not confuse values that concatenate alike', () => {
    expect(fingerprint({ a: 'b', c: 'd' })).not.toBe(fingerprint({ a: 'bc', c: '' }));
    expect(fingerprint({ a: '1' })).not.toBe(fingerprint({ a: 1 }));
  });
});

describe('runIdempotent', () => {
  it('fresh: performs once and stores the outcome; the same key and print replays without performing', async () => {
    const store = new MemoryIdempotencyStore();
    const perform = vi.fn(async () => ({ id: '1' }));
    expect(await runIdempotent(store, 'k', 'p', OPTIONS, perform)).toEqual({ kind: 'fresh', outcome: { id: '1' }, attempt: 1 });
    expect(await runIdempotent(store, 'k', 'p', OPTIONS, perform)).toEqual({ kind: 'replayed', outcome: { id: '1' } });
    expect(perform).toHaveBeenCalledTimes(1);
  });

  it('conflict: the same key with another print does not perform', async () => {
    const store = new MemoryIdempotencyStore();
    await runIdempotent(store, 'k', 'p', OPTIONS, async () => 'first');
    const perform = vi.fn(async () => 'second');
    expect(await runIdempotent(store, 'k', 'other', OPTIONS, perform)).toEqual({ kind: 'conflict' });
    expect(perform).not.toHaveBeenCalled();
  });

  it('concurrent callers with the same key: one performs, the others wait and get its outcome', async () => {
    const store = new MemoryIdempotencyStore();
    const gate = deferred<string>();
    const perform = vi.fn(() => gate.promise);
    const runs = Array.from({ length: 20 }, () => runIdempotent(store, 'k', 'p', OPTIONS, perform));
    // Let every caller claim or start waiting before the provider answers.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(perform).toHaveBeenCalledTimes(1);
    gate.resolve('the transfer');
    const results = await Promise.all(runs);
    expect(perform).toHaveBeenCalledTimes(1);
    expect(results.filter((r) => r.kind === 'fresh')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'replayed')).toHaveLength(19);
    for (const r of results) expect('outcome' in r && r.outcome).toBe('the transfer');
  });

  it('a waiter whose wait runs out gets in_progress, and nothing is performed for it', async () => {
    const store = new MemoryIdempotencyStore();
    const gate = deferred<string>();
    const first = runIdempotent(store, 'k', 'p', OPTIONS, () => gate.promise);
    const perform = vi.fn(async () => 'x');
    expect(await runIdempotent(store, 'k', 'p', { leaseMs: 10_000, waitMs: 0, pollMs: 1 }, perform)).toEqual({ kind: 'in_progress' });
    expect(perform).not.toHaveBeenCalled();
    gate.resolve('done');
    await first;
  });

  it('an unknown outcome (perform throws): rethrown, the key stays pending for this print; the retry performs as attempt 2', async () => {
    const store = new MemoryIdempotencyStore();
    const timeout = new Error('timeout');
    await expect(runIdempotent(store, 'k', 'p', OPTIONS, async () => Promise.reject(timeout))).rejects.toBe(timeout);
    expect((await store.get('k'))!.state).toBe('pending');
    expect(await runIdempotent(store, 'k', 'other', OPTIONS, async () => 'x')).toEqual({ kind: 'conflict' });
    const attempts: number[] = [];
    const retried = await runIdempotent(store, 'k', 'p', OPTIONS, async (attempt) => {
      attempts.push(attempt);
      return 'sent again';
    });
    expect(retried).toEqual({ kind: 'fresh', outcome: 'sent again', attempt: 2 });
    expect(attempts).toEqual([2]);
  });

  it("with options.unknown, a failure keeps the key pending with its note (the first attempt's time), and the takeover is told", async () => {
    const store = new MemoryIdempotencyStore();
    const options = { ...OPTIONS, unknown: (error: unknown) => (error instanceof OutcomeUnknown ? { why: error.why, subject: { ref: 'r' } } : undefined) };
    const before = Date.now();
    await expect(runIdempotent(store, 'k', 'p', options, async () => Promise.reject(new OutcomeUnknown('timeout')))).rejects.toThrow('timeout');
    const note = (await store.get('k'))!.unknown!;
    expect(note).toMatchObject({ why: 'timeout', subject: { ref: 'r' } });
    expect(note.sinceMs).toBeGreaterThanOrEqual(before);
    // A takeover that again cannot tell keeps the first sinceMs; one that proves nothing was sent adds nothing.
    const told: unknown[] = [];
    await expect(
      runIdempotent(store, 'k', 'p', options, async (_attempt, unknown) => {
        told.push(unknown);
        throw new OutcomeUnknown('replay refused');
      }),
    ).rejects.toThrow('replay refused');
    await expect(runIdempotent(store, 'k', 'p', options, async () => Promise.reject(new Error('circuit open')))).rejects.toThrow('circuit open');
    expect(await store.get('k')).toMatchObject({ state: 'pending', unknown: { sinceMs: note.sinceMs, why: 'replay refused' } });
    expect(told).toEqual([note]);
    const settled = await runIdempotent(store, 'k', 'p', options, async (_attempt, unknown) => ({ foundOut: unknown?.why }));
    expect(settled).toEqual({ kind: 'fresh', outcome: { foundOut: 'replay refused' }, attempt: 4 });
  });

  it('with options.unknown, an outcome the store failed to keep leaves the key unknown (a retry must find out, never act blind)', async () => {
    const store = new FailingStore({ complete: 1 });
    const options = { ...OPTIONS, unknown: (error: unknown) => (error instanceof OutcomeUnknown ? { why: error.why } : undefined) };
    const result = await runIdempotent(store, 'k', 'p', options, async () => ({ id: 'made' }));
    expect(result).toMatchObject({ kind: 'fresh', outcome: { id: 'made' } });
    expect((await store.get('k'))?.unknown?.why).toBe(UNRECORDED_WHY);
  });

  it('a waiter whose owner fails takes over (after the release) instead of failing too', async () => {
    const store = new MemoryIdempotencyStore();
    const gate = deferred<string>();
    const first = runIdempotent(store, 'k', 'p', OPTIONS, () => gate.promise);
    const second = runIdempotent(store, 'k', 'p', OPTIONS, async (attempt) => `attempt ${attempt}`);
    gate.reject(new Error('timeout'));
    await expect(first).rejects.toThrow('timeout');
    expect(await second).toEqual({ kind: 'fresh', outcome: 'attempt 2', attempt: 2 });
  });

  it('a kept refusal is replayed like a success', async () => {
    const store = new MemoryIdempotencyStore();
    const refusal = { userErrors: [{ field: ['input'], message: 'refused', code: 'PROVIDER_REJECTED' }] };
    await runIdempotent(store, 'k', 'p', OPTIONS, async () => refusal);
    expect(await runIdempotent(store, 'k', 'p', OPTIONS, async () => ({ id: 'x' }))).toEqual({ kind: 'replayed', outcome: refusal });
  });

  it('the store failing after perform succeeded: the outcome is still the answer (the provider acted), flagged as unrecorded', async () => {
    const store = new FailingStore({ complete: 1 });
    const result = await runIdempotent(store, 'k', 'p', OPTIONS, async () => ({ cashoutId: '100300' }));
    expect(result).toMatchObject({ kind: 'fresh', outcome: { cashoutId: '100300' }, attempt: 1 });
    expect(result.kind === 'fresh' && result.unrecorded).toBeInstanceOf(Error);
    // The key is left for a retry to take over (it re-sends the same reference; the provider de-duplicates).
    const retried = await runIdempotent(store, 'k', 'p', OPTIONS, async (attempt) => ({ cashoutId: '100300', attempt }));
    expect(retried).toEqual({ kind: 'fresh', outcome: { cashoutId: '100300', attempt: 2 }, attempt: 2 });
    expect(await runIdempotent(store, 'k', 'other', OPTIONS, async () => ({}))).toEqual({ kind: 'conflict' });
  });

  it("perform failing and then the store failing too: the caller sees perform's error, not the store's", async () => {
    const store = new FailingStore({ release: 1 });
    const timeout = new Error('provider timeout');
    await expect(runIdempotent(store, 'k', 'p', OPTIONS, async () => Promise.reject(timeout))).rejects.toBe(timeout);
  });
});
