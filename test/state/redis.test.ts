/**
 * The shared-state contract suites against Redis (the shared server on 127.0.0.1:6379, under a prefix
 * of this run's own that is deleted afterwards): each test gets two `redisState()` instances — separate
 * connections, one prefix — as two replicas would.
 */
import 'reflect-metadata';
import { afterAll, expect, it } from 'vitest';
import { redisState, type SharedState } from '../../src/state/index.js';
import { deletePrefix, keysUnder, TEST_REDIS_URL, testPrefix } from '../helpers/redis.js';
import { stateContracts } from './contracts.js';

const runPrefix = testPrefix('contract');
let n = 0;

stateContracts({
  kind: 'redis',
  async replicas(eventLog): Promise<[SharedState, SharedState]> {
    // A prefix per test: no test sees another's keys or events.
    const prefix = `${runPrefix}${++n}:`;
    const a = redisState(TEST_REDIS_URL, prefix, undefined, eventLog);
    const b = redisState(TEST_REDIS_URL, prefix, undefined, eventLog);
    return [a, b];
  },
});

it('keeps every key under its prefix (checked against Redis itself)', async () => {
  const prefix = `${runPrefix}probe:`;
  const state = redisState(TEST_REDIS_URL, prefix);
  try {
    await state.credentials.set('credential:x', { value: 'v', expiresAtMs: Date.now() + 60_000 });
    await state.idempotency.claim('k', 'fp', 60_000);
    await state.dedupe.record('e', 'SUCCESS', false, 60_000);
    await state.rateLimiter.take('c', { perSecond: 1, burst: 2 });
    await state.cache.getOrLoad('r', 60_000, async () => 1);
    await state.watches.add({ kind: 'payment', provider: 'TALO', id: 'w', attempt: 0, firstSeen: 0, expiresAt: 1 }, 0);
    await state.webhookPositions.lease('w', 'h', 60_000);
    await state.webhookPositions.save('w', 'h', { cursor: 'c' });
    await state.events.publish({ id: 'probe', provider: 'TALO', type: 'PAYMENT_UPDATED', occurredAt: new Date().toISOString() });
    expect((await keysUnder(prefix)).sort()).toEqual(
      [
        `${prefix}credential:x`,
        `${prefix}idempotency:k`,
        `${prefix}event:e`,
        `${prefix}rate:c`,
        `${prefix}cache:r`,
        `${prefix}watch:due:TALO`,
        `${prefix}watch:entries:TALO`,
        `${prefix}events:log`,
        `${prefix}events:epoch`,
        `${prefix}events:id:probe`,
        `${prefix}webhook:lease:w`,
        `${prefix}webhook:pos:w`,
        `${prefix}events:holds`,
      ].sort(),
    );
    expect(await state.reachable()).toBe(true);
  } finally {
    await state.close();
  }
});

afterAll(async () => {
  await deletePrefix(runPrefix);
  expect(await keysUnder(runPrefix)).toEqual([]);
});
