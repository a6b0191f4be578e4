/**
 * Tupay's range guesses as switches (docs/providers.md, "Every guess, and what changes it"), over HTTP
 * against the sandbox playing each answer (`PUT /_sandbox/wire`): `from`/`to` in seconds or milliseconds
 * (TUPAY_RANGE_UNIT) and `to` inclusive or exclusive (TUPAY_RANGE_END). For each, the mismatch is shown
 * to lose records and the matching setting to find them all.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TUPAY_MAX_RANGE_SECONDS, TUPAY_STRICT_RULES, TUPAY_WIRE_CHOICES } from '../../src/providers/tupay/assumptions.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import type { TupayCredentials } from '../../src/sandbox/tupay/index.js';
import type { WireSurprise } from '../../src/providers/wire.js';
import { sandboxVariantFromEnv } from '../../src/sandbox/variant.js';
import { call } from '../helpers/http.js';
import { DAY, NOW, ROUTES, clientFactory, startTupay, type TupaySandbox } from './tupay-fixture.js';

let sandbox: TupaySandbox;
let credentials: TupayCredentials;
const clients = clientFactory(() => ({ sandbox, credentials }));

beforeAll(async () => {
  ({ sandbox, credentials } = await startTupay());
});
afterAll(async () => {
  await clients.closeAll();
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.log.clear();
  sandbox.strict.clear();
  await play({ rangeUnit: 'seconds', rangeEnd: 'inclusive' });
});

async function play(wire: Record<string, string>): Promise<void> {
  const response = await call<{ wire: Record<string, string> }>(sandbox.url, 'PUT', '/_sandbox/wire', { body: wire });
  expect(response.status, response.text).toBe(200);
  expect(response.body.wire).toMatchObject(wire);
}

const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY * 1000);
const queries = (route: string) => (sandbox.log.list(route) as LoggedRequest[]).map(({ query }) => ({ from: Number(query.from), to: Number(query.to) }));
const ids = (records: readonly { id: string }[]) => records.map((r) => r.id).sort();

describe('the sandbox plays each wire choice', () => {
  it('knows the choices, refuses an unknown one or answer, and is back to the guesses on reset', async () => {
    const known = await call<{ wire: Record<string, string>; known: Record<string, string[]> }>(sandbox.url, 'GET', '/_sandbox/wire');
    expect(known.body.known).toEqual(TUPAY_WIRE_CHOICES);
    expect(known.body.wire).toEqual({ rangeUnit: 'seconds', rangeEnd: 'inclusive' });
    expect((await call(sandbox.url, 'PUT', '/_sandbox/wire', { body: { rangeUnit: 'minutes' } })).status).toBe(400);
    expect((await call(sandbox.url, 'PUT', '/_sandbox/wire', { body: { order: 'newest-first' } })).status).toBe(400);
    await play({ rangeUnit: 'milliseconds' });
    await call(sandbox.url, 'POST', '/_sandbox/reset');
    expect((await call<{ wire: Record<string, string> }>(sandbox.url, 'GET', '/_sandbox/wire')).body.wire).toEqual({
      rangeUnit: 'seconds',
      rangeEnd: 'inclusive',
    });
  });
});

describe('range unit (TUPAY_RANGE_UNIT)', () => {
  const range = { from: daysAgo(20), to: NOW };

  it('seconds against a provider reading seconds: the records of the range', async () => {
    const deposits = await clients.make().deposits(range);
    expect(deposits.length).toBeGreaterThan(20);
    expect(queries(ROUTES.deposits).every((q) => String(q.from).length === 10 && q.from === Math.floor(range.from.getTime() / 1000))).toBe(true);
  });

  it('seconds against a provider reading milliseconds: silently empty, though every range check passes', async () => {
    await play({ rangeUnit: 'milliseconds' });
    expect(await clients.make().deposits(range)).toEqual([]);
    expect(await clients.make().cashouts(range)).toEqual([]);
  });

  it('milliseconds against a provider reading milliseconds: the same records as seconds give', async () => {
    const expected = ids(await clients.make().deposits(range));
    await play({ rangeUnit: 'milliseconds' });
    sandbox.log.clear();
    const deposits = await clients.make({ rangeUnit: 'milliseconds' }).deposits(range);
    expect(ids(deposits)).toEqual(expected);
    const [sent] = queries(ROUTES.deposits);
    expect(sent).toEqual({ from: Math.floor(range.from.getTime() / 1000) * 1000, to: Math.floor(range.to.getTime() / 1000) * 1000 + 999 });
  });

  it('milliseconds keeps each window inside 60 days, even where exactly 60 days is refused', async () => {
    await play({ rangeUnit: 'milliseconds' });
    await call(sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: [TUPAY_STRICT_RULES.rangeEdge] } });
    const deposits = await clients.make({ rangeUnit: 'milliseconds' }).deposits({ from: daysAgo(130), to: NOW });
    expect(deposits.length).toBeGreaterThan(100);
    const spans = queries(ROUTES.deposits).map((q) => q.to - q.from);
    expect(Math.max(...spans)).toBe(TUPAY_MAX_RANGE_SECONDS * 1000 - 1);
  });
});

describe('a notified deposit looked up by its moment, in the unit and end the settings say', () => {
  it('found when the settings match the provider, not when the unit does not', async () => {
    const [deposit] = (await clients.make().deposits({ from: daysAgo(3), to: NOW })).slice(-1);
    const at = Date.parse(deposit!.createdAt);
    const searches = [{ ranges: [{ from: new Date(at - 600_000), to: new Date(at) }], maxPages: 2 }];
    await play({ rangeUnit: 'milliseconds', rangeEnd: 'exclusive' });
    expect((await clients.make().findDeposit([deposit!.id], searches)).deposit).toBeUndefined();
    const found = await clients.make({ rangeUnit: 'milliseconds', rangeEnd: 'exclusive' }).findDeposit([deposit!.id], searches);
    expect(found.deposit?.id).toBe(deposit!.id);
  });

  it('the sandbox takes its wire choices as an option at start, and refuses unknown ones', async () => {
    const started = await startTupay({ wire: { rangeUnit: 'milliseconds' } });
    try {
      expect(started.sandbox.wire).toEqual({ rangeUnit: 'milliseconds', rangeEnd: 'inclusive' });
    } finally {
      await started.sandbox.close();
    }
    await expect(startTupay({ wire: { rangeUnit: 'hours' } })).rejects.toThrow(/rangeUnit must be one of seconds, milliseconds/);
  });
});

describe('range end (TUPAY_RANGE_END)', () => {
  /** A range ending at the very second a deposit was created. */
  async function endingAtADeposit() {
    const all = await clients.make().deposits({ from: daysAgo(10), to: NOW });
    const last = all.at(-5)!;
    const at = Date.parse(last.createdAt);
    return { id: last.id, range: { from: new Date(at - 3_600_000), to: new Date(at) } };
  }

  it('inclusive against a provider listing `to` inclusively: the deposit made at `to` is listed', async () => {
    const { id, range } = await endingAtADeposit();
    expect(ids(await clients.make().deposits(range))).toContain(id);
  });

  it('inclusive against a provider listing before `to`: the deposit made at `to` is lost', async () => {
    const { id, range } = await endingAtADeposit();
    await play({ rangeEnd: 'exclusive' });
    expect(ids(await clients.make().deposits(range))).not.toContain(id);
  });

  it('exclusive against a provider listing before `to`: sends a second past the end, and the deposit is listed', async () => {
    const { id, range } = await endingAtADeposit();
    const expected = ids(await clients.make().deposits(range));
    await play({ rangeEnd: 'exclusive' });
    sandbox.log.clear();
    const deposits = await clients.make({ rangeEnd: 'exclusive' }).deposits(range);
    expect(ids(deposits)).toContain(id);
    expect(ids(deposits)).toEqual(expected);
    expect(queries(ROUTES.deposits)[0]!.to).toBe(range.to.getTime() / 1000 + 1);
  });

  it('exclusive keeps each window inside 60 days, even where exactly 60 days is refused', async () => {
    await play({ rangeEnd: 'exclusive', rangeUnit: 'milliseconds' });
    await call(sandbox.url, 'PUT', '/_sandbox/strict', { body: { rules: [TUPAY_STRICT_RULES.rangeEdge] } });
    const client = clients.make({ rangeEnd: 'exclusive', rangeUnit: 'milliseconds' });
    const range = { from: daysAgo(130), to: NOW };
    const [deposits, report] = await Promise.all([client.deposits(range), client.balanceReport(range)]);
    expect(deposits.length).toBeGreaterThan(100);
    expect(report.length).toBeGreaterThan(100);
    const spans = [...queries(ROUTES.deposits), ...queries(ROUTES.report)].map((q) => q.to - q.from);
    expect(Math.max(...spans)).toBeLessThan(TUPAY_MAX_RANGE_SECONDS * 1000);
  });
});

describe('record field names (TUPAY_RECORD_FIELDS): read both ways is not possible, so one list for both sides', () => {
  it('the sandbox writes only those names and the client reads every record by them', async () => {
    await call(sandbox.url, 'PUT', '/_sandbox/variant', { body: { variant: 'documented' } });
    try {
      const surprises: WireSurprise[] = [];
      const skipped: unknown[] = [];
      const client = clients.make({ onWireSurprise: (s) => surprises.push(s) });
      const range = { from: daysAgo(20), to: NOW };
      const ctx = { onSkippedRow: (error: unknown) => skipped.push(error) };
      const [deposits, cashouts, report] = await Promise.all([
        client.deposits(range, {}, ctx),
        client.cashouts(range, {}, ctx),
        client.balanceReport(range, ctx),
      ]);
      expect(deposits.length).toBeGreaterThan(20);
      expect(cashouts.length).toBeGreaterThan(5);
      expect(report.length).toBeGreaterThan(10);
      expect(skipped).toEqual([]);
      expect(surprises.filter((s) => s.kind === 'unknown_field')).toEqual([]);
    } finally {
      await call(sandbox.url, 'PUT', '/_sandbox/variant', { body: { variant: sandboxVariantFromEnv() } });
    }
  });
});
