/**
 * What `activity` and `activitySummary` are priced at before anything is read (src/graphql/limits.ts
 * refuses an operation over LIMITS.maxUpstreamCost): each provider's walk from its arguments. Tupay lists
 * oldest first in windows of a week, then twice the last up to 60 days, two listings each; TelePagos
 * pages of 15, newest first, the whole range priced at PRICED_ROWS_PER_DAY rows a day. No call is made:
 * the registry points at a closed port.
 */
import 'reflect-metadata';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, withSandboxes } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { activityPricing } from '../../src/modules/activity/activity.resolver.js';
import { PRICED_ROWS_PER_DAY } from '../../src/providers/telepagos/adapter.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { MemoryCredentialStore } from '../../src/state/credential-store.js';

const nowhere = 'http://127.0.0.1:9';
const config = withSandboxes(loadConfig({}), { telepagos: nowhere, talo: nowhere, tupay: nowhere });
const registry = new ProviderRegistry(config.providers, { store: new MemoryCredentialStore(), logger: createLogger({ level: 'silent' }), timeoutMs: 1_000 });
const pricing = activityPricing(registry);
const activity = pricing['Query.activity']!;
const summary = pricing['Query.activitySummary']!;
afterAll(() => registry.close());

const zone = 'America/Argentina/Buenos_Aires';
const page = (from: string, to: string, filter?: Record<string, unknown>, first = 50) => activity({ from, to, timeZone: zone, filter, first });

describe('activity pricing', () => {
  it('prices a week as one Tupay window (two listings) and the TelePagos pages a page of the feed needs', () => {
    // A week at one row a day fits a TelePagos page; Tupay's first window covers it.
    expect(PRICED_ROWS_PER_DAY).toBe(1);
    expect(page('2026-01-09', '2026-01-15')).toBe(1 + 2);
  });

  it('prices 366 days as nine Tupay windows (7+14+28+56+60+60+60+60 days and the rest) and the pages a page needs', () => {
    // TelePagos: 51 rows (50 and the one that answers hasNextPage) are 4 pages of 15.
    expect(page('2025-01-15', '2026-01-15')).toBe(4 + 9 * 2);
  });

  it('prices a filter TelePagos cannot apply as its whole range, and a kinds filter as the one Tupay listing it asks for', () => {
    expect(page('2025-01-15', '2026-01-15', { minAmount: '49999999' })).toBe(Math.ceil(366 / 15) + 9 * 2);
    expect(page('2025-01-15', '2026-01-15', { kinds: ['DEPOSIT'] })).toBe(Math.ceil(366 / 15) + 9);
    expect(page('2025-01-15', '2026-01-15', { providers: ['TUPAY'] })).toBe(9 * 2);
  });

  it('prices a summary as every provider’s whole range', () => {
    expect(summary({ from: '2025-01-15', to: '2026-01-15', timeZone: zone, groupBy: 'DAY' })).toBe(Math.ceil(366 / 15) + 9 * 2);
  });

  it('leaves arguments the field refuses itself to the field (undefined: the table’s price)', () => {
    expect(page('2026-01-15', '2026-01-01')).toBeUndefined();
    expect(page('2026-01-01', '2026-01-15', undefined, 0)).toBeUndefined();
  });
});
