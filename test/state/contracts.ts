/**
 * One contract suite per shared-state interface (CredentialStore, IdempotencyStore, EventDedupeStore,
 * EventBus, RateLimiter, CacheStore, WatchStore, WebhookPositionStore), run against the memory and the Redis implementation by the
 * runners beside this file.
 *
 * A suite gets a `Backend`: `replicas()` gives two views of one shared state, as two replicas would
 * have them. For Redis those are two `redisState()` instances — separate connections, same prefix; for
 * memory, one process is one replica, so both views are the same instance. Every assertion holds for
 * both: what the memory store promises within a process, the Redis one promises across replicas.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedEvent, PaymentEventValue } from '../../src/events/bus.js';
import { CursorExpiredError, decodeEventCursor, DEFAULT_EVENT_LOG, encodeEventCursor, type EventLogOptions } from '../../src/events/log.js';
import { CREDENTIAL_REJECTED, CredentialManager } from '../../src/providers/credentials.js';
import type { SharedState } from '../../src/state/index.js';
import { waitFor } from '../helpers/redis.js';
import { MAX_STATES_PER_OBJECT } from '../../src/events/dedupe.js';
import type { WatchEntry } from '../../src/events/watch-store.js';
import { LAPSED_WHY } from '../../src/state/idempotency-store.js';

export interface Backend {
  kind: 'memory' | 'redis';
  /** Two views of one new shared state (closed by the suite), with its event log's options when given. */
  replicas(eventLog?: EventLogOptions): Promise<[SharedState, SharedState]>;
}

/** A page of the log as `read` answers it: read on after its last event. */
const page = (events: LoggedEvent[], hasMore: boolean) => ({ events, hasMore, endCursor: events.at(-1)?.cursor });

/** A key no other test uses. */
const fresh = (label: string) => `${label}-${randomBytes(5).toString('hex')}`;

/** Resolves when `open()` is called: lets a test hold an operation in flight. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

function useReplicas(backend: Backend): (eventLog?: EventLogOptions) => Promise<[SharedState, SharedState]> {
  const opened = new Set<SharedState>();
  afterEach(async () => {
    for (const state of opened) await state.close();
    opened.clear();
  });
  return async (eventLog) => {
    const pair = await backend.replicas(eventLog);
    for (const state of pair) opened.add(state);
    // A bus's publish waits for its own channel subscription: once each replica has published (to no
    // subscriber yet), both are listening, as replicas that have been up for a while are.
    for (const state of pair) await state.events.publish(event(fresh('warm-up')));
    return pair;
  };
}

export function credentialStoreContract(backend: Backend): void {
  describe(`CredentialStore (${backend.kind})`, () => {
    const replicas = useReplicas(backend);

    it('get of an unknown key is undefined; set then get returns it, on the other replica too', async () => {
      const [a, b] = await replicas();
      const key = fresh('cred');
      expect(await a.credentials.get(key)).toBeUndefined();
      const credential = { value: 'tok-1', expiresAtMs: Date.now() + 60_000, renewAtMs: Date.now() + 50_000 };
      await a.credentials.set(key, credential);
      expect(await a.credentials.get(key)).toEqual(credential);
      expect(await b.credentials.get(key)).toEqual(credential);
    });

    it('an expired credential is not returned', async () => {
      const [a, b] = await replicas();
      const key = fresh('cred');
      await a.credentials.set(key, { value: 'short', expiresAtMs: Date.now() + 60 });
      await waitFor(
        'the credential to expire',
        async () => (await b.credentials.get(key)) === undefined && (await a.credentials.get(key)) === undefined,
        3_000,
      );
      expect(await a.credentials.get(key)).toBeUndefined();
    });

    it('deleteIf deletes only while the stored value is still the given one (a newer credential stays)', async () => {
      const [a, b] = await replicas();
      const key = fresh('cred');
      await a.credentials.set(key, { value: 'old', expiresAtMs: Date.now() + 60_000 });
      await b.credentials.set(key, { value: 'new', expiresAtMs: Date.now() + 60_000 });
      await a.credentials.deleteIf(key, 'old');
      expect((await a.credentials.get(key))?.value).toBe('new');
      await a.credentials.deleteIf(key, 'new');
      expect(await b.credentials.get(key)).toBeUndefined();
      await a.credentials.deleteIf(key, 'never-there'); // no record: nothing happens, no error
      expect(await a.credentials.get(key)).toBeUndefined();
    });

    it('singleFlight: concurrent callers on both replicas never run the flight twice at once; callers that re-check the store obtain once', async () => {
      const [a, b] = await replicas();
      const key = fresh('cred');
      let running = 0;
      let maxRunning = 0;
      let obtained = 0;
      const slow = gate();
      // Like CredentialManager.renew: look in the store first, obtain only when nothing is there.
      const renew = (store: SharedState) => async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          const stored = await store.credentials.get(key);
          if (stored) return stored.value;
          obtained++;
          await slow.wait;
          await store.credentials.set(key, { value: `tok-${obtained}`, expiresAtMs: Date.now() + 60_000 });
          return `tok-${obtained}`;
        } finally {
          running--;
        }
      };
      const calls = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b)).map((s) => s.credentials.singleFlight(key, renew(s)));
      await waitFor('a flight to start', () => obtained > 0);
      await sleep(50); // give a second (wrong) flight every chance to start
      slow.open();
      const results = await Promise.all(calls);
      expect(obtained).toBe(1);
      expect(maxRunning).toBe(1);
      expect(new Set(results)).toEqual(new Set(['tok-1']));
    });

    it('singleFlight: callers on one replica share the running flight and its result', async () => {
      const [a] = await replicas();
      const key = fresh('cred');
      let runs = 0;
      const slow = gate();
      const fn = async () => {
        runs++;
        await slow.wait;
        return { run: runs };
      };
      const calls = Array.from({ length: 10 }, () => a.credentials.singleFlight(key, fn));
      await waitFor('the flight to start', () => runs > 0);
      slow.open();
      const results = await Promise.all(calls);
      expect(runs).toBe(1);
      expect(results.every((r) => r === results[0])).toBe(true);
    });

    it('singleFlight: a failed flight reaches its waiters and is forgotten (the next call runs again, on either replica)', async () => {
      const [a, b] = await replicas();
      const key = fresh('cred');
      let runs = 0;
      const failing = async () => {
        runs++;
        throw new Error('provider said no');
      };
      const [first, second] = await Promise.allSettled([a.credentials.singleFlight(key, failing), a.credentials.singleFlight(key, failing)]);
      expect(first).toMatchObject({ status: 'rejected', reason: { message: 'provider said no' } });
      expect(second).toMatchObject({ status: 'rejected', reason: { message: 'provider said no' } });
      expect(runs).toBe(1);
      // The lock (Redis) went with the failure: the other replica does not wait for it.
      await expect(b.credentials.singleFlight(key, async () => 'ok')).resolves.toBe('ok');
      await expect(a.credentials.singleFlight(key, async () => 'ok again')).resolves.toBe('ok again');
    });

    it('singleFlight: different keys do not wait for each other', async () => {
      const [a, b] = await replicas();
      const held = gate();
      const first = a.credentials.singleFlight(fresh('k1'), async () => {
        await held.wait;
        return 1;
      });
      // Resolves while the first key's flight is still held.
      await expect(b.credentials.singleFlight(fresh('k2'), async () => 2)).resolves.toBe(2);
      held.open();
      await expect(first).resolves.toBe(1);
    });

    it('CredentialManager on two replicas: 40 concurrent callers, one obtain; a rejected credential is renewed once', async () => {
      const [a, b] = await replicas();
      let obtains = 0;
      const obtain = async () => {
        obtains++;
        await sleep(30);
        return { value: `token-${obtains}`, expiresAtMs: Date.now() + 600_000 };
      };
      const identity = [fresh('account')];
      const managers = [a, b].map((s) => new CredentialManager({ provider: 'TELEPAGOS', identity, store: s.credentials, obtain }));
      const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => managers[i % 2]!.current()));
      expect(obtains).toBe(1);
      expect(new Set(tokens)).toEqual(new Set(['token-1']));

      // The provider refuses token-1 (it expired early): every caller on both replicas replays once,
      // and between them they obtain exactly one new token.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          managers[i % 2]!.run(async (credential) => (credential === 'token-1' ? CREDENTIAL_REJECTED : credential), 'GET /x'),
        ),
      );
      expect(obtains).toBe(2);
      expect(new Set(results)).toEqual(new Set(['token-2']));
    });
  });
}

export function idempotencyStoreContract(backend: Backend): void {
  describe(`IdempotencyStore (${backend.kind})`, () => {
    const replicas = useReplicas(backend);
    const LEASE = 30_000;
    const DAY = 24 * 60 * 60 * 1000;

    it('the first claim is ours (attempt 1) and the record is pending with its fingerprint and lease', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      const before = Date.now();
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'claimed', attempt: 1 });
      const record = await b.idempotency.get(key);
      expect(record).toMatchObject({ fingerprint: 'fp-1', state: 'pending', attempts: 1 });
      expect(record!.leaseUntilMs).toBeGreaterThanOrEqual(before + LEASE - 1_000);
      expect(await b.idempotency.get(fresh('unknown'))).toBeUndefined();
    });

    it('while the lease is held, the same key and input is in_progress (on either replica); other input is a conflict', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      await a.idempotency.claim(key, 'fp-1', LEASE);
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'in_progress' });
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'in_progress' });
      expect(await b.idempotency.claim(key, 'fp-2', LEASE)).toEqual({ status: 'conflict' });
      expect((await a.idempotency.get(key))?.attempts).toBe(1);
    });

    it('complete: the outcome is replayed to every later claim with the same input, exactly as stored', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      const outcome = { cashoutId: '123', userErrors: [], note: 'ñandú / "quoted" \\ back', nested: { list: [1, 2.5, null, true] } };
      await a.idempotency.claim(key, 'fp-1', LEASE);
      await a.idempotency.complete(key, outcome, DAY);
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'completed', outcome });
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'completed', outcome });
      expect(await b.idempotency.get(key)).toMatchObject({ state: 'completed', outcome, fingerprint: 'fp-1', attempts: 1 });
      // A completed key with other input is still a conflict, not a replay.
      expect(await b.idempotency.claim(key, 'fp-2', LEASE)).toEqual({ status: 'conflict' });
    });

    it('release keeps the record pending and lets the next claim take over (attempt 2); release does not undo a completion', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      await a.idempotency.claim(key, 'fp-1', LEASE);
      await a.idempotency.release(key);
      expect(await a.idempotency.get(key)).toMatchObject({ state: 'pending', attempts: 1 });
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'claimed', attempt: 2 });
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'in_progress' });
      await b.idempotency.complete(key, { ok: true }, DAY);
      await a.idempotency.release(key);
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'completed', outcome: { ok: true } });
    });

    it('a lapsed lease is taken over by the next claim (the holder died)', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      expect(await a.idempotency.claim(key, 'fp-1', 80)).toEqual({ status: 'claimed', attempt: 1 });
      const taken = await waitFor(
        'the lease to lapse',
        async () => {
          const claim = await b.idempotency.claim(key, 'fp-1', LEASE);
          return claim.status === 'claimed' ? claim : undefined;
        },
        3_000,
      );
      // The holder stopped without a word: the takeover is told an earlier attempt may have acted.
      expect(taken).toMatchObject({ status: 'claimed', attempt: 2, unknown: { why: LAPSED_WHY } });
      expect((taken as { unknown: { sinceMs: number } }).unknown.sinceMs).toBeGreaterThan(Date.now() - 60_000);
      // The new lease holds.
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'in_progress' });
    });

    it('complete and release of an unknown key create nothing', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      await a.idempotency.complete(key, { ok: 1 }, DAY);
      await a.idempotency.release(key);
      expect(await b.idempotency.get(key)).toBeUndefined();
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'claimed', attempt: 1 });
    });

    it('retention: a completed record is kept for retentionMs, then the key is new again', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      await a.idempotency.claim(key, 'fp-1', LEASE);
      await a.idempotency.complete(key, { id: 1 }, 150);
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toEqual({ status: 'completed', outcome: { id: 1 } });
      await waitFor('the record to be dropped', async () => (await b.idempotency.get(key)) === undefined, 3_000);
      expect(await a.idempotency.claim(key, 'fp-other', LEASE)).toEqual({ status: 'claimed', attempt: 1 });
    });

    it('a fresh claim keeps its record for at least a day (retention starts at the claim)', async () => {
      const [a] = await replicas();
      const key = fresh('idem');
      await a.idempotency.claim(key, 'fp-1', 1);
      await sleep(20);
      // Long after the lease lapsed, the record (and its fingerprint) is still there.
      expect(await a.idempotency.claim(key, 'fp-2', LEASE)).toEqual({ status: 'conflict' });
    });

    it('30 concurrent claims of one key across both replicas: exactly one is claimed, the rest in_progress', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).idempotency.claim(key, 'fp-1', LEASE)));
      expect(claims.filter((c) => c.status === 'claimed')).toEqual([{ status: 'claimed', attempt: 1 }]);
      expect(claims.filter((c) => c.status === 'in_progress')).toHaveLength(29);
    });

    it('release with an unknown note: the takeover is told (on either replica), a later note keeps the first sinceMs, completion clears it', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      await a.idempotency.claim(key, 'fp-1', LEASE);
      const subject = { referenceId: 'r-1', amount: '10.00', alias: 'ñandú.demo' };
      await a.idempotency.release(key, { sinceMs: 1_000, why: 'TELEPAGOS: timeout', subject });
      expect(await b.idempotency.get(key)).toMatchObject({ state: 'pending', unknown: { sinceMs: 1_000, why: 'TELEPAGOS: timeout', subject } });
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toEqual({
        status: 'claimed',
        attempt: 2,
        unknown: { sinceMs: 1_000, why: 'TELEPAGOS: timeout', subject },
      });
      await b.idempotency.release(key, { sinceMs: 5_000, why: 'TELEPAGOS: conflict on a replay', subject });
      // A release without a note (nothing sent this time) keeps the note.
      expect(await a.idempotency.claim(key, 'fp-1', LEASE)).toMatchObject({
        status: 'claimed',
        attempt: 3,
        unknown: { sinceMs: 1_000, why: 'TELEPAGOS: conflict on a replay' },
      });
      await a.idempotency.release(key);
      expect((await b.idempotency.get(key))?.unknown?.sinceMs).toBe(1_000);
      expect(await b.idempotency.claim(key, 'fp-1', LEASE)).toMatchObject({ status: 'claimed', attempt: 4, unknown: { sinceMs: 1_000 } });
      await b.idempotency.complete(key, { cashoutId: '7' }, DAY);
      const done = await a.idempotency.get(key);
      expect(done).toMatchObject({ state: 'completed', outcome: { cashoutId: '7' } });
      expect(done?.unknown).toBeUndefined();
      // A note on a completed or missing key changes nothing.
      await a.idempotency.release(key, { sinceMs: 9, why: 'late' });
      expect((await b.idempotency.get(key))?.unknown).toBeUndefined();
      await a.idempotency.release(fresh('missing'), { sinceMs: 9, why: 'late' });
    });

    it('a first claim and a plain release carry no unknown note', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      const first = await a.idempotency.claim(key, 'fp-1', LEASE);
      expect(first).toEqual({ status: 'claimed', attempt: 1 });
      expect('unknown' in first).toBe(false);
      await a.idempotency.release(key);
      const second = await b.idempotency.claim(key, 'fp-1', LEASE);
      expect(second).toEqual({ status: 'claimed', attempt: 2 });
      expect('unknown' in second).toBe(false);
      expect((await a.idempotency.get(key))?.unknown).toBeUndefined();
    });

    it('concurrent takeovers of a released key: exactly one wins (attempt 2)', async () => {
      const [a, b] = await replicas();
      const key = fresh('idem');
      await a.idempotency.claim(key, 'fp-1', LEASE);
      await a.idempotency.release(key);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).idempotency.claim(key, 'fp-1', LEASE)));
      expect(claims.filter((c) => c.status === 'claimed')).toEqual([{ status: 'claimed', attempt: 2 }]);
    });
  });
}

export function eventDedupeContract(backend: Backend): void {
  describe(`EventDedupeStore (${backend.kind})`, () => {
    const replicas = useReplicas(backend);
    const DAY = 24 * 60 * 60 * 1000;

    it('an unknown object knows nothing; a recorded state is known on every replica, others are not', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      expect(await a.dedupe.lookup(object, 'PENDING')).toEqual({ recorded: false, final: false });
      expect(await a.dedupe.lookup(object, undefined)).toEqual({ recorded: false, final: false });
      expect(await a.dedupe.record(object, 'PENDING', false, DAY)).toBe(true);
      expect(await a.dedupe.record(object, 'PENDING', false, DAY)).toBe(false);
      expect(await b.dedupe.record(object, 'PENDING', false, DAY)).toBe(false);
      expect(await b.dedupe.lookup(object, 'PENDING')).toEqual({ recorded: true, final: false });
      expect(await b.dedupe.lookup(object, 'SUCCESS')).toEqual({ recorded: false, final: false });
      expect(await b.dedupe.lookup(object, undefined)).toEqual({ recorded: false, final: false });
      expect(await b.dedupe.lookup(fresh('other'), 'PENDING')).toEqual({ recorded: false, final: false });
    });

    it('a new state of the same object is recorded once; an older state stays recorded (never published again)', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      expect(await a.dedupe.record(object, 'PENDING', false, DAY)).toBe(true);
      expect(await b.dedupe.record(object, 'SUCCESS', false, DAY)).toBe(true);
      expect(await a.dedupe.record(object, 'SUCCESS', false, DAY)).toBe(false);
      expect(await a.dedupe.record(object, 'PENDING', false, DAY)).toBe(false);
    });

    it('a final state marks the object final for every lookup, whatever state is asked', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      await a.dedupe.record(object, 'UNDERPAID', false, DAY);
      expect((await b.dedupe.lookup(object, undefined)).final).toBe(false);
      expect(await a.dedupe.record(object, 'SUCCESS', true, DAY)).toBe(true);
      expect(await b.dedupe.lookup(object, undefined)).toEqual({ recorded: false, final: true });
      expect(await b.dedupe.lookup(object, 'OTHER')).toEqual({ recorded: false, final: true });
      expect(await b.dedupe.lookup(object, 'SUCCESS')).toEqual({ recorded: true, final: true });
    });

    it('the same state arriving at both replicas at once is recorded exactly once', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      const recorded = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).dedupe.record(object, 'SUCCESS', i % 3 === 0, DAY)));
      expect(recorded.filter(Boolean)).toHaveLength(1);
    });

    it('forget un-records the state (and the final mark it set), so a retry records it again', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      await a.dedupe.record(object, 'PENDING', false, DAY);
      await a.dedupe.record(object, 'SUCCESS', true, DAY);
      await b.dedupe.forget(object, 'SUCCESS');
      expect(await a.dedupe.lookup(object, 'SUCCESS')).toEqual({ recorded: false, final: false });
      expect(await a.dedupe.lookup(object, 'PENDING')).toEqual({ recorded: true, final: false });
      expect(await a.dedupe.record(object, 'SUCCESS', true, DAY)).toBe(true);
      await b.dedupe.forget(fresh('never-recorded'), 'X');
    });

    it(`keeps at most ${MAX_STATES_PER_OBJECT} states per object, dropping the oldest`, async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      for (let i = 0; i <= MAX_STATES_PER_OBJECT; i++) expect(await a.dedupe.record(object, `S${i}`, false, DAY)).toBe(true);
      expect((await b.dedupe.lookup(object, 'S0')).recorded).toBe(false);
      expect((await b.dedupe.lookup(object, 'S1')).recorded).toBe(true);
      expect((await b.dedupe.lookup(object, `S${MAX_STATES_PER_OBJECT}`)).recorded).toBe(true);
    });

    it('after the retention the object is forgotten; recording again keeps it for a new retention', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      expect(await a.dedupe.record(object, 'SUCCESS', true, 80)).toBe(true);
      await waitFor('the object to lapse', async () => !(await b.dedupe.lookup(object, 'SUCCESS')).recorded, 3_000);
      expect(await b.dedupe.lookup(object, 'SUCCESS')).toEqual({ recorded: false, final: false });
      expect(await a.dedupe.record(object, 'SUCCESS', true, 60_000)).toBe(true);
      expect(await b.dedupe.record(object, 'SUCCESS', true, 60_000)).toBe(false);
    });

    it('a duplicate record refreshes the retention (kept from the last confirmation)', async () => {
      const [a, b] = await replicas();
      const object = fresh('obj');
      await a.dedupe.record(object, 'SUCCESS', false, 1_000);
      await sleep(300);
      expect(await b.dedupe.record(object, 'SUCCESS', false, 60_000)).toBe(false);
      await sleep(1_000);
      expect((await a.dedupe.lookup(object, 'SUCCESS')).recorded).toBe(true);
    });
  });
}

const event = (id: string, provider: PaymentEventValue['provider'] = 'TELEPAGOS'): PaymentEventValue => ({
  id,
  provider,
  type: 'CASHIN_RECEIVED',
  occurredAt: '2026-01-15T12:00:00.000Z',
  cashin: { id: `c-${id}`, amount: { amount: '10.00', currency: 'ARS' } },
});

/** The next event, or a failure after `ms` (a bounded wait, not a timing assertion). */
async function next(iterator: AsyncIterator<PaymentEventValue>, ms = 5_000): Promise<IteratorResult<PaymentEventValue>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Publishes one barrier event and reads every iterator up to it: after that, each subscription is live
 * across the shared bus, and whatever was published before the barrier has been delivered ahead of it.
 * Returns, per iterator, what arrived before the barrier (barriers of earlier calls left out).
 */
async function barrier(publisher: SharedState, ...iterators: AsyncIterator<PaymentEventValue>[]): Promise<PaymentEventValue[][]> {
  const id = fresh('barrier');
  await publisher.events.publish(event(id));
  return Promise.all(
    iterators.map(async (iterator) => {
      const seen: PaymentEventValue[] = [];
      for (;;) {
        const { value, done } = await next(iterator);
        if (done) throw new Error('the subscription ended');
        if (value.id === id) return seen;
        if (!value.id.startsWith('barrier-')) seen.push(value);
      }
    }),
  );
}

export function eventBusContract(backend: Backend): void {
  describe(`EventBus (${backend.kind})`, () => {
    const replicas = useReplicas(backend);

    it('an event published on one replica reaches subscribers on both, once each, as published', async () => {
      const [a, b] = await replicas();
      const onA = a.events.subscribe({});
      const onB = b.events.subscribe({});
      // Make sure both replicas' subscriptions are live before the event under test.
      await barrier(a, onA, onB);
      const sent = await a.events.publish(event(fresh('e')));
      // Delivered as the log took it: with its cursor, the same on both replicas.
      expect(sent.cursor).toEqual(expect.any(String));
      expect((await next(onA)).value).toEqual(sent);
      expect((await next(onB)).value).toEqual(sent);
      // Nothing else (no second copy) arrived before a later barrier.
      expect(await barrier(b, onA, onB)).toEqual([[], []]);
    });

    it('a subscriber filtered by provider gets only that provider, in order', async () => {
      const [a, b] = await replicas();
      const talo = b.events.subscribe({ provider: 'TALO' });
      const all = b.events.subscribe({});
      await barrier(a, all);
      const sent = [event('1', 'TALO'), event('2', 'TUPAY'), event('3', 'TALO'), event('4', 'TELEPAGOS')].map((e) => ({ ...e, id: fresh(e.id) }));
      for (const e of sent) await a.events.publish(e);
      const forTalo = [(await next(talo)).value, (await next(talo)).value];
      expect(forTalo.map((e) => e.id)).toEqual([sent[0]!.id, sent[2]!.id]);
      const [everything] = await barrier(a, all);
      expect(everything!.map((e) => e.id)).toEqual(sent.map((e) => e.id));
    });

    it('200 events published from both replicas arrive on each subscriber in one and the same order', async () => {
      const [a, b] = await replicas();
      const onA = a.events.subscribe({});
      const onB = b.events.subscribe({});
      await barrier(a, onA, onB);
      // Each replica publishes its own sequence; every subscriber sees each sequence in order, and both
      // subscribers see the same interleaving.
      await Promise.all([
        (async () => {
          for (let i = 0; i < 100; i++) await a.events.publish(event(`A-${i}`));
        })(),
        (async () => {
          for (let i = 0; i < 100; i++) await b.events.publish(event(`B-${i}`));
        })(),
      ]);
      const [seenA, seenB] = await barrier(a, onA, onB);
      const gotA = seenA!.map((e) => e.id);
      const gotB = seenB!.map((e) => e.id);
      expect(gotA).toHaveLength(200);
      expect(gotA.filter((id) => id.startsWith('A-'))).toEqual(Array.from({ length: 100 }, (_, i) => `A-${i}`));
      expect(gotA.filter((id) => id.startsWith('B-'))).toEqual(Array.from({ length: 100 }, (_, i) => `B-${i}`));
      expect(gotB).toEqual(gotA);
    });

    it('events published before a subscription are not replayed to it', async () => {
      const [a, b] = await replicas();
      const early = b.events.subscribe({});
      await barrier(a, early);
      await a.events.publish(event('before'));
      await barrier(a, early); // delivered everywhere by now
      const late = b.events.subscribe({});
      const after = event(fresh('after'));
      await a.events.publish(after);
      expect((await next(late)).value.id).toBe(after.id);
    });

    it('return() ends one subscription; the others keep receiving', async () => {
      const [a, b] = await replicas();
      const leaving = b.events.subscribe({});
      const staying = b.events.subscribe({});
      await barrier(a, staying);
      await leaving.return!();
      expect(await leaving.next()).toEqual({ value: undefined, done: true });
      const sent = await a.events.publish(event(fresh('e')));
      expect((await next(staying)).value).toEqual(sent);
      expect(await leaving.next()).toEqual({ value: undefined, done: true });
    });

    it('resume(after) delivers every logged event after the cursor, then live ones, on the other replica too', async () => {
      const [a, b] = await replicas();
      const mark = await a.events.publish(event(fresh('mark')));
      const missed = [];
      for (let i = 0; i < 3; i++) missed.push(await (i % 2 ? b : a).events.publish(event(fresh(`missed-${i}`))));
      const resumed = await b.events.resume({}, mark.cursor);
      for (const sent of missed) expect((await next(resumed)).value).toEqual(sent);
      const live = await a.events.publish(event(fresh('live')));
      expect((await next(resumed)).value).toEqual(live);
      await resumed.return!();
    });

    it('resume hands over to live events with nothing missed and nothing twice, while events keep coming', async () => {
      const [a, b] = await replicas();
      const mark = await a.events.publish(event(fresh('mark')));
      // More than one catch-up batch is behind the cursor, and both replicas keep publishing during it.
      const before: string[] = [];
      for (let i = 0; i < 450; i++) before.push((await (i % 2 ? a : b).events.publish(event(`before-${i}`))).id);
      const resumed = await b.events.resume({}, mark.cursor);
      const during: string[] = [];
      const publishing = (async () => {
        for (let i = 0; i < 100; i++) during.push((await (i % 2 ? a : b).events.publish(event(`during-${i}`))).id);
      })();
      const seen: string[] = [];
      for (;;) {
        const { value } = await next(resumed);
        seen.push(value.id);
        if (seen.length === 550) break;
      }
      await publishing;
      expect(seen).toEqual([...before, ...during]);
      // …and nothing after them.
      expect(await barrier(a, resumed)).toEqual([[]]);
      await resumed.return!();
    });

    it('resume and read filter by provider', async () => {
      const [a, b] = await replicas();
      const mark = await a.events.publish(event(fresh('mark')));
      const sent = [];
      for (const provider of ['TALO', 'TUPAY', 'TALO', 'TELEPAGOS'] as const) sent.push(await a.events.publish(event(fresh('p'), provider)));
      const talo = sent.filter((e) => e.provider === 'TALO');
      const resumed = await b.events.resume({ provider: 'TALO' }, mark.cursor);
      expect([(await next(resumed)).value, (await next(resumed)).value]).toEqual(talo);
      await resumed.return!();
      expect(await b.events.read({ provider: 'TALO' }, mark.cursor, 10)).toEqual(page(talo, false));
    });

    it('read pages through the log with the same cursors', async () => {
      const [a, b] = await replicas();
      const mark = await a.events.publish(event(fresh('mark')));
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await a.events.publish(event(fresh(`r-${i}`))));
      const first = await b.events.read({}, mark.cursor, 2);
      expect(first).toEqual(page(sent.slice(0, 2), true));
      const second = await a.events.read({}, first.events.at(-1)!.cursor, 2);
      expect(second).toEqual(page(sent.slice(2, 4), true));
      const last = await b.events.read({}, second.events.at(-1)!.cursor, 2);
      expect(last).toEqual(page(sent.slice(4), false));
      expect(await b.events.read({}, sent[4]!.cursor, 2)).toEqual(page([], false));
      // Without a cursor: from the oldest kept event.
      const all = await b.events.read({}, undefined, 100);
      expect(all.events.slice(-6)).toEqual([mark, ...sent]);
    });

    it('an event id is logged once: publishing it again (a timed-out publish run late, then retried) answers the first entry and delivers nothing', async () => {
      const [a, b] = await replicas();
      const onB = b.events.subscribe({});
      await barrier(a, onB);
      const sent = event(fresh('twice'));
      const first = await a.events.publish(sent);
      const again = await b.events.publish(sent);
      expect(again).toEqual(first);
      expect(await barrier(a, onB)).toEqual([[first]]);
    });

    it('a cursor that is not one of this log is CursorExpiredError, before anything is delivered', async () => {
      const [a, b] = await replicas();
      const sent = await a.events.publish(event(fresh('e')));
      const { position } = decodeEventCursor(sent.cursor);
      const otherLog = encodeEventCursor('0badc0de', position);
      const future = encodeEventCursor(decodeEventCursor(sent.cursor).epoch, { ms: position.ms + 60_000, seq: 0 });
      for (const cursor of ['garbage', otherLog, future]) {
        await expect(b.events.resume({}, cursor)).rejects.toBeInstanceOf(CursorExpiredError);
        await expect(b.events.read({}, cursor, 10)).rejects.toBeInstanceOf(CursorExpiredError);
      }
    });

    it('close() ends every subscription of that bus: a waiting next() resolves done', async () => {
      const [a] = await replicas();
      const first = a.events.subscribe({});
      const second = a.events.subscribe({ provider: 'TALO' });
      await barrier(a, first);
      const waiting = first.next();
      await a.events.close();
      await expect(waiting).resolves.toEqual({ value: undefined, done: true });
      await expect(second.next()).resolves.toEqual({ value: undefined, done: true });
    });
  });
}

export function rateLimiterContract(backend: Backend): void {
  describe(`RateLimiter (${backend.kind})`, () => {
    const replicas = useReplicas(backend);

    it('a full bucket allows the burst, then refuses with retryAfterMs until a token is back', async () => {
      const [a, b] = await replicas();
      const key = fresh('client');
      const limit = { perSecond: 1, burst: 3 };
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await (i % 2 ? b : a).rateLimiter.take(key, limit));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
      for (const refused of decisions.slice(3)) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000);
      }
      expect(decisions[0]!.retryAfterMs).toBe(0);
    });

    it('the bucket refills at perSecond: after retryAfterMs one more request is allowed', async () => {
      const [a, b] = await replicas();
      const key = fresh('client');
      const limit = { perSecond: 20, burst: 1 };
      expect((await a.rateLimiter.take(key, limit)).allowed).toBe(true);
      const refused = await b.rateLimiter.take(key, limit);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
      await sleep(refused.retryAfterMs + 30);
      expect((await b.rateLimiter.take(key, limit)).allowed).toBe(true);
      // …and only one: the bucket is empty again.
      expect((await a.rateLimiter.take(key, limit)).allowed).toBe(false);
    });

    it('concurrent requests on both replicas never get more than the burst', async () => {
      const [a, b] = await replicas();
      const key = fresh('client');
      const limit = { perSecond: 0.01, burst: 5 };
      const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).rateLimiter.take(key, limit)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    });

    it('each key has its own bucket', async () => {
      const [a, b] = await replicas();
      const limit = { perSecond: 1, burst: 1 };
      const [k1, k2] = [fresh('one'), fresh('two')];
      expect((await a.rateLimiter.take(k1, limit)).allowed).toBe(true);
      expect((await b.rateLimiter.take(k1, limit)).allowed).toBe(false);
      expect((await b.rateLimiter.take(k2, limit)).allowed).toBe(true);
    });
  });
}

export function cacheStoreContract(backend: Backend): void {
  describe(`CacheStore (${backend.kind})`, () => {
    const replicas = useReplicas(backend);

    it('concurrent misses load once; hits within the TTL (on either replica) do not load', async () => {
      const [a, b] = await replicas();
      const key = fresh('cache');
      let loads = 0;
      const load = async () => {
        loads++;
        await sleep(20);
        return [
          { id: 1, name: 'Varios' },
          { id: 2, name: 'Alquiler' },
        ];
      };
      const values = await Promise.all(Array.from({ length: 10 }, () => a.cache.getOrLoad(key, 60_000, load)));
      expect(loads).toBe(1);
      for (const value of values)
        expect(value).toEqual([
          { id: 1, name: 'Varios' },
          { id: 2, name: 'Alquiler' },
        ]);
      expect(await b.cache.getOrLoad(key, 60_000, load)).toEqual(values[0]);
      expect(await a.cache.getOrLoad(key, 60_000, load)).toEqual(values[0]);
      expect(loads).toBe(1);
    });

    it('concurrent misses with an instant loader still load once', async () => {
      const [a] = await replicas();
      const key = fresh('cache');
      let loads = 0;
      const load = async () => ++loads;
      const values = await Promise.all(Array.from({ length: 10 }, () => a.cache.getOrLoad(key, 60_000, load)));
      expect(values).toEqual(Array.from({ length: 10 }, () => 1));
      expect(loads).toBe(1);
    });

    it('after the TTL the next call loads again (once)', async () => {
      const [a, b] = await replicas();
      const key = fresh('cache');
      let loads = 0;
      const load = async () => ({ version: ++loads });
      expect(await a.cache.getOrLoad(key, 80, load)).toEqual({ version: 1 });
      const reloaded = await waitFor(
        'the entry to lapse',
        async () => {
          const value = await b.cache.getOrLoad(key, 60_000, load);
          return value.version === 2 ? value : undefined;
        },
        3_000,
      );
      expect(reloaded).toEqual({ version: 2 });
      expect(await a.cache.getOrLoad(key, 60_000, load)).toEqual({ version: 2 });
      expect(loads).toBe(2);
    });

    it('a failed load reaches its callers and is not cached', async () => {
      const [a, b] = await replicas();
      const key = fresh('cache');
      let loads = 0;
      const failing = async (): Promise<string> => {
        loads++;
        throw new Error('provider down');
      };
      const settled = await Promise.allSettled([a.cache.getOrLoad(key, 60_000, failing), a.cache.getOrLoad(key, 60_000, failing)]);
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
      expect(loads).toBe(1);
      expect(await b.cache.getOrLoad(key, 60_000, async () => 'loaded')).toBe('loaded');
      expect(await a.cache.getOrLoad(key, 60_000, async () => 'loaded')).toBe('loaded');
    });

    it('keys are independent', async () => {
      const [a] = await replicas();
      const [k1, k2] = [fresh('c1'), fresh('c2')];
      expect(await a.cache.getOrLoad(k1, 60_000, async () => 'one')).toBe('one');
      expect(await a.cache.getOrLoad(k2, 60_000, async () => 'two')).toBe('two');
      expect(await a.cache.getOrLoad(k1, 60_000, async () => 'other')).toBe('one');
    });
  });
}

export function watchStoreContract(backend: Backend): void {
  describe(`WatchStore (${backend.kind})`, () => {
    const replicas = useReplicas(backend);
    // The store runs on its callers' clock: any instant will do.
    const T = 1_700_000_000_000;
    const LEASE = 60_000;
    const entry = (id: string, extra: Partial<WatchEntry> = {}): WatchEntry => ({
      kind: 'payment',
      provider: 'TALO',
      id,
      attempt: 0,
      firstSeen: T,
      expiresAt: T + 7 * 86_400_000,
      ...extra,
    });

    it('an added entry is known on both replicas with its due time; adding it again changes nothing', async () => {
      const [a, b] = await replicas();
      const id = fresh('pay');
      expect(await a.watches.get('payment', 'TALO', id)).toBeUndefined();
      expect(await a.watches.add(entry(id), T + 100)).toBe(true);
      expect(await b.watches.get('payment', 'TALO', id)).toEqual({ entry: entry(id), dueAt: T + 100 });
      expect(await b.watches.add(entry(id, { attempt: 5 }), T + 999)).toBe(false);
      expect(await a.watches.get('payment', 'TALO', id)).toEqual({ entry: entry(id), dueAt: T + 100 });
      expect(await a.watches.get('payment', 'TUPAY', id)).toBeUndefined();
      expect(await a.watches.get('other', 'TALO', id)).toBeUndefined();
    });

    it('take gives only due entries of that provider, earliest first, at most `max`, and leases them', async () => {
      const [a, b] = await replicas();
      const [first, second, third, later] = [fresh('p1'), fresh('p2'), fresh('p3'), fresh('p4')];
      await a.watches.add(entry(second), T + 20);
      await a.watches.add(entry(first), T + 10);
      await a.watches.add(entry(third), T + 30);
      await a.watches.add(entry(later), T + 5_000);
      await a.watches.add(entry(fresh('tupay'), { provider: 'TUPAY' }), T);
      expect(await b.watches.take('TALO', T, 10, LEASE)).toEqual([]);
      const taken = await b.watches.take('TALO', T + 1_000, 2, LEASE);
      expect(taken.map((t) => t.entry.id)).toEqual([first, second]);
      expect(taken[0]!.entry).toEqual(entry(first));
      // Leased: not due again until the lease ends, on either replica.
      expect((await a.watches.get('payment', 'TALO', first))?.dueAt).toBe(T + 1_000 + LEASE);
      expect((await a.watches.take('TALO', T + 1_000, 10, LEASE)).map((t) => t.entry.id)).toEqual([third]);
      expect(await b.watches.take('TALO', T + 1_000, 10, LEASE)).toEqual([]);
      // A holder that never came back: its entries are due again once the lease ends (after `later`, due earlier).
      const retaken = (await a.watches.take('TALO', T + 1_000 + LEASE, 10, LEASE)).map((t) => t.entry.id);
      expect(retaken[0]).toBe(later);
      expect(retaken.slice(1).sort()).toEqual([first, second, third].sort());
    });

    it('two replicas take a due entry at once: exactly one gets it', async () => {
      const [a, b] = await replicas();
      const id = fresh('pay');
      await a.watches.add(entry(id), T);
      const takes = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).watches.take('TALO', T + 1, 5, LEASE)));
      expect(takes.flat().map((t) => t.entry.id)).toEqual([id]);
    });

    it('the holder reschedules (new attempt, new due time) or drops; a holder whose lease went to another is ignored', async () => {
      const [a, b] = await replicas();
      const id = fresh('pay');
      await a.watches.add(entry(id), T);
      const [stale] = await a.watches.take('TALO', T, 1, LEASE);
      // The lease ended and replica B took it over.
      const [current] = await b.watches.take('TALO', T + LEASE, 1, LEASE);
      await a.watches.reschedule(stale!, entry(id, { attempt: 9 }), T + 1);
      await a.watches.drop(stale!);
      expect(await b.watches.get('payment', 'TALO', id)).toEqual({ entry: entry(id), dueAt: T + 2 * LEASE });

      await b.watches.reschedule(current!, entry(id, { attempt: 1 }), T + LEASE + 500);
      expect(await a.watches.get('payment', 'TALO', id)).toEqual({ entry: entry(id, { attempt: 1 }), dueAt: T + LEASE + 500 });
      // Rescheduled: the lease is over, so the old holder can no longer drop it.
      await b.watches.drop(current!);
      expect(await a.watches.get('payment', 'TALO', id)).toBeDefined();

      const [again] = await a.watches.take('TALO', T + LEASE + 500, 1, LEASE);
      expect(again!.entry.attempt).toBe(1);
      await a.watches.drop(again!);
      expect(await b.watches.get('payment', 'TALO', id)).toBeUndefined();
      expect(await b.watches.take('TALO', T + 100 * LEASE, 10, LEASE)).toEqual([]);
      // Dropped: it may be watched anew.
      expect(await b.watches.add(entry(id), T)).toBe(true);
    });
  });
}

/** Every contract suite against one backend. */
export function webhookPositionStoreContract(backend: Backend): void {
  describe(`WebhookPositionStore (${backend.kind})`, () => {
    const replicas = useReplicas(backend);

    it('one holder at a time: the lease is renewed by its holder, refused to another until released or lapsed', async () => {
      const [a, b] = await replicas();
      const endpoint = fresh('endpoint');
      expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
      expect(await b.webhookPositions.lease(endpoint, 'holder-b', 60_000)).toBe(false);
      expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
      await b.webhookPositions.release(endpoint, 'holder-b');
      expect(await b.webhookPositions.lease(endpoint, 'holder-b', 60_000)).toBe(false);
      await a.webhookPositions.release(endpoint, 'holder-a');
      expect(await b.webhookPositions.lease(endpoint, 'holder-b', 50)).toBe(true);
      await waitFor('the short lease to lapse', async () => a.webhookPositions.lease(endpoint, 'holder-a', 60_000));
    });

    it('only the lease holder saves a position; both replicas read it; an unknown endpoint starts empty', async () => {
      const [a, b] = await replicas();
      const endpoint = fresh('endpoint');
      expect(await b.webhookPositions.get(endpoint)).toEqual({});
      expect(await a.webhookPositions.save(endpoint, 'holder-a', { cursor: 'c1' })).toBe(false);
      expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
      const failing = { cursor: 'c1', failing: { id: 'ev-2', since: 1_700_000_000_000, attempts: 3 } };
      expect(await a.webhookPositions.save(endpoint, 'holder-a', failing)).toBe(true);
      expect(await b.webhookPositions.save(endpoint, 'holder-b', { cursor: 'c9' })).toBe(false);
      expect(await b.webhookPositions.get(endpoint)).toEqual(failing);
    });

    // The log's length cap against the endpoints' holds (issue 28: an event is kept until every endpoint has had it).
    const publishAfterNow = async (state: SharedState, label: string): Promise<LoggedEvent> => {
      // Holds count in milliseconds: the next event is published in a later one than everything before it.
      const before = Date.now();
      await waitFor('the clock to move on', async () => Date.now() > before);
      return state.events.publish(event(fresh(label)));
    };
    const ids = (events: readonly LoggedEvent[]) => events.map((e) => e.id);

    it("the log's length cap trims only what every endpoint has had: a position holds the events after it, on the other replica too", async () => {
      const [a, b] = await replicas({ ...DEFAULT_EVENT_LOG, maxLength: 3 });
      const [slow, quick] = [fresh('slow'), fresh('quick')];
      const first = await publishAfterNow(a, 'held');
      for (const endpoint of [slow, quick]) {
        expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
        expect(await a.webhookPositions.save(endpoint, 'holder-a', { cursor: first.cursor })).toBe(true);
      }
      const later: LoggedEvent[] = [];
      for (let i = 0; i < 8; i++) later.push(await publishAfterNow(b, 'later'));
      // Eight past a cap of three, every one kept: the endpoints have not had them.
      expect(ids((await b.events.read({}, first.cursor, 50)).events)).toEqual(ids(later));
      const last = later.at(-1)!;
      expect(await a.webhookPositions.save(quick, 'holder-a', { cursor: last.cursor })).toBe(true);
      await publishAfterNow(b, 'next');
      // One endpoint moved on, the other still holds them all.
      expect(ids((await a.events.read({}, first.cursor, 50)).events).slice(0, 8)).toEqual(ids(later));
      // The slow one catches up too: what both have had beyond the cap goes with the next append.
      expect(await a.webhookPositions.save(slow, 'holder-a', { cursor: last.cursor })).toBe(true);
      const next = await publishAfterNow(b, 'next');
      await expect(a.events.read({}, first.cursor, 50)).rejects.toBeInstanceOf(CursorExpiredError);
      const kept = (await a.events.read({}, undefined, 50)).events;
      expect(ids(kept)).toEqual([last.id, ...ids(kept).slice(1, -1), next.id]);
      expect(ids(kept)).not.toContain(later[0]!.id);
    });

    it('an endpoint configured (hold) holds the log from the oldest event before its first save, from its position after', async () => {
      const [a, b] = await replicas({ ...DEFAULT_EVENT_LOG, maxLength: 3 });
      const endpoint = fresh('endpoint');
      await b.webhookPositions.hold(endpoint);
      const first = await publishAfterNow(a, 'held');
      const later: LoggedEvent[] = [];
      for (let i = 0; i < 5; i++) later.push(await publishAfterNow(b, 'later'));
      expect(ids((await a.events.read({}, first.cursor, 50)).events)).toEqual(ids(later));
      expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
      expect(await a.webhookPositions.save(endpoint, 'holder-a', { cursor: later.at(-1)!.cursor })).toBe(true);
      // Configured anew (a restart): the hold follows the saved position, not the oldest entry.
      await b.webhookPositions.hold(endpoint);
      await publishAfterNow(b, 'next');
      await expect(a.events.read({}, first.cursor, 50)).rejects.toBeInstanceOf(CursorExpiredError);
    });

    it('an endpoint taken out (forget) no longer holds the log', async () => {
      const [a, b] = await replicas({ ...DEFAULT_EVENT_LOG, maxLength: 3 });
      const [gone, staying] = [fresh('gone'), fresh('staying')];
      const first = await publishAfterNow(a, 'held');
      for (const endpoint of [gone, staying]) expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
      expect(await a.webhookPositions.save(gone, 'holder-a', { cursor: first.cursor })).toBe(true);
      const later: LoggedEvent[] = [];
      for (let i = 0; i < 5; i++) later.push(await publishAfterNow(b, 'later'));
      expect(await a.webhookPositions.save(staying, 'holder-a', { cursor: later.at(-1)!.cursor })).toBe(true);
      await publishAfterNow(b, 'next');
      expect(ids((await b.events.read({}, first.cursor, 50)).events).slice(0, 5)).toEqual(ids(later));
      await b.webhookPositions.forget(gone);
      await publishAfterNow(b, 'next');
      await expect(a.events.read({}, first.cursor, 50)).rejects.toBeInstanceOf(CursorExpiredError);
    });

    it('the retention wins over a hold: an event older than it leaves, whoever still holds it', async () => {
      let now = Date.now();
      const [a, b] = await replicas({ ...DEFAULT_EVENT_LOG, retentionMs: 60_000, now: () => now });
      const endpoint = fresh('endpoint');
      const first = await a.events.publish(event(fresh('held')));
      expect(await a.webhookPositions.lease(endpoint, 'holder-a', 60_000)).toBe(true);
      expect(await a.webhookPositions.save(endpoint, 'holder-a', { cursor: first.cursor })).toBe(true);
      now += 120_000;
      await b.events.publish(event(fresh('later')));
      await expect(b.events.read({}, first.cursor, 50)).rejects.toBeInstanceOf(CursorExpiredError);
    });
  });
}

export function stateContracts(backend: Backend): void {
  credentialStoreContract(backend);
  idempotencyStoreContract(backend);
  eventDedupeContract(backend);
  eventBusContract(backend);
  rateLimiterContract(backend);
  cacheStoreContract(backend);
  watchStoreContract(backend);
  webhookPositionStoreContract(backend);
}
