/**
 * The tallied counter and histogram (src/observability/tallied.ts) read out exactly as prom-client's
 * own would for the same observations: the same exposition text, series by series.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedCounter, TalliedHistogram } from '../../src/observability/tallied.js';

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];
const VALUES = [0, 0.001, 0.0011, 0.05, 0.1, 0.2, 3, 10, 11, 1e-9];

describe('tallied metrics', () => {
  it('a histogram reads out as prom-client’s for the same observations, per label set', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help "quoted"\nline',
      labelNames: ['operation', 'outcome'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const tallied = new TalliedHistogram('h_seconds', 'help "quoted"\nline', BUCKETS, ours);
    for (const [i, value] of VALUES.entries()) {
      const labels = { operation: i % 2 ? 'A"b' : 'plain', outcome: i % 3 ? 'success' : 'error' };
      reference.labels(labels).observe(value);
      tallied.series(labels).observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('a counter reads out as prom-client’s, and reset zeroes every series', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Counter({ name: 'c_total', help: 'counted', labelNames: ['client', 'door'], registers: [theirs] });
    const tallied = new TalliedCounter('c_total', 'counted', ours);
    for (const [client, door, by] of [
      ['a', 'http', 1],
      ['b', 'websocket', 2],
      ['a', 'http', 3],
    ] as const) {
      reference.labels({ client, door }).inc(by);
      tallied.series({ client, door }).inc(by);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    ours.resetMetrics();
    expect(await ours.metrics()).toContain('c_total{client="a",door="http"} 0');
  });
});
