/**
 * The event log with two gateway replicas on one Redis stream, over real WebSocket and HTTP: the
 * scenarios of test/helpers/event-log.ts on the shared Redis (this run's own prefix, deleted
 * afterwards), then a private Redis that is restarted empty (no persistence): live subscriptions carry on,
 * and every cursor of the old log is CURSOR_EXPIRED, never read as a position in the new one.
 */
import 'reflect-metadata';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes, type RunningSandboxes } from '../../src/sandbox/index.js';
import { redisState } from '../../src/state/index.js';
import { TEST_NOW } from '../helpers/gateway.js';
import { EVENT_LOG_LENGTH, EVENTS, event, eventLogScenarios, subscribe } from '../helpers/event-log.js';
import { deletePrefix, keysUnder, PrivateRedis, replicaConfig, startReplica, TEST_REDIS_URL, testPrefix, waitFor, type Replica } from '../helpers/redis.js';

const ENV = { EVENT_LOG_MAX_LENGTH: String(EVENT_LOG_LENGTH) };
const prefix = testPrefix('eventlog');
let sandboxes: RunningSandboxes;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  sandboxes = await startSandboxes({ now: TEST_NOW });
  const config = replicaConfig(sandboxes, ENV);
  a = await startReplica('A', { config, state: redisState(TEST_REDIS_URL, prefix, undefined, config.eventLog) });
  b = await startReplica('B', { config, state: redisState(TEST_REDIS_URL, prefix, undefined, config.eventLog) });
}, 30_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await sandboxes?.close();
  await deletePrefix(prefix);
  expect(await keysUnder(prefix)).toEqual([]);
});

eventLogScenarios('two replicas on Redis', () => ({ a, b }));

describe('the stream lives under the prefix', () => {
  it('keeps the log and its epoch under the prefix, the log trimmed near its length cap', async () => {
    const keys = await keysUnder(prefix);
    const logKeys = keys.filter((key) => key.startsWith(`${prefix}events:`) && !key.startsWith(`${prefix}events:id:`));
    expect(logKeys.sort()).toEqual([`${prefix}events:epoch`, `${prefix}events:log`]);
    // …and one key per event id appended (an id is appended once), each expiring with the retention.
    expect(keys.filter((key) => key.startsWith(`${prefix}events:id:`)).length).toBeGreaterThan(EVENT_LOG_LENGTH);
    // Well over the cap was published (the expiry scenario); trimming is approximate (whole stream
    // nodes of 100 entries), so the log holds the cap and at most a node more.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const length = await redis.xlen(`${prefix}events:log`);
      expect(length).toBeGreaterThanOrEqual(EVENT_LOG_LENGTH);
      expect(length).toBeLessThanOrEqual(EVENT_LOG_LENGTH + 100);
    } finally {
      redis.disconnect();
    }
  });
});

describe('Redis restarted empty', () => {
  let redis: PrivateRedis;
  let c: Replica;
  let d: Replica;
  const restartPrefix = testPrefix('eventlog-restart');

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const config = replicaConfig(sandboxes, ENV);
    c = await startReplica('C', { config, state: redisState(redis.url, restartPrefix, undefined, config.eventLog) });
    d = await startReplica('D', { config, state: redisState(redis.url, restartPrefix, undefined, config.eventLog) });
  }, 30_000);

  afterAll(async () => {
    await c?.close();
    await d?.close();
    await redis?.stop(); // always: a private server must not outlive the test
  });

  it('live subscriptions carry on with the new log; cursors of the old one are CURSOR_EXPIRED, also when resumed', async () => {
    const live = await subscribe(d);
    const before = await c.gateway.events.publish(event('before-restart'));
    await waitFor('the event before the restart', () => live.received.some((e) => e.id === before.id));

    await redis.stop();
    await redis.start();
    await waitFor('both replicas ready again', async () => (await c.ready()).status === 200 && (await d.ready()).status === 200);

    // The subscriber on D, connected throughout, gets what C publishes to the new log.
    const after = await waitFor('a publish to the new log', () => c.gateway.events.publish(event('after-restart')).catch(() => undefined));
    await waitFor('the event after the restart', () => live.received.some((e) => e.id === after.id));
    expect(live.received.map((e) => e.id)).toEqual([before.id, after.id]);
    expect(live.errors).toEqual([]);

    // The old cursor names a position in a log that is gone: refused, never taken for one in the new log.
    const resumed = await subscribe(c, { after: before.cursor });
    expect(resumed.errors.map((e) => e.extensions?.code)).toEqual(['CURSOR_EXPIRED']);
    await resumed.close();
    const page = await d.query(EVENTS, { after: before.cursor });
    expect(page.body.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    // The new log holds only what was published since, and its cursors resume.
    const fresh = await d.query(EVENTS, {});
    expect(fresh.body.data.events.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([after.id]);
    const again = await subscribe(d, { after: after.cursor });
    const next = await c.gateway.events.publish(event('next'));
    await waitFor('the resumed subscription to get the next event', () => again.received.length > 0);
    expect(again.received.map((e) => e.id)).toEqual([next.id]);
    await again.close();
    await live.close();
  });
});
