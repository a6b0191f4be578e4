/**
 * A Tupay deposit notified long after it was made (issue 30): its notification names only the deposit
 * (`{ deposit_id }`, the documented body), so it is looked for around the arrival, then sought by id
 * order (TUPAY_DEPOSIT_IDS_INCREASE) at any age the listing allows — days, months, more than a year —
 * over HTTP against a sandbox holding over a year of a merchant's deposits, always within
 * TUPAY_HINT_MAX_LISTING_CALLS listing calls. An id Tupay does not list is told apart (422) within the
 * same bound. Each CASHIN_RECEIVED names the deposit's state, normalized and in Tupay's word.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { TUPAY_HINT_MAX_LISTING_CALLS, TUPAY_HINT_WIDE_SLICES_HOURS, TUPAY_PATHS } from '../../src/providers/tupay/assumptions.js';
import { webhookUrl } from '../../src/providers/webhook-url.js';
import { depositSearches } from '../../src/providers/tupay/webhook.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 86_400;
const EVENTS = `{ events(provider: TUPAY, first: 100) { nodes { type cashin { id } } } }`;
const globalId = (localId: number) => Buffer.from(`Cashin:TUPAY:${localId}`).toString('base64url');

const listings = (gw: TestGateway) => gw.sandboxes.tupay.log.list().filter((r) => r.path === `/${TUPAY_PATHS.deposits}`);

function notify(gw: TestGateway, body: unknown) {
  const path = new URL(webhookUrl(gw.url, 'TUPAY', gw.config.providers.tupay!.webhookSecret)).pathname;
  return call(gw.url, 'POST', path, { body });
}

describe('a Tupay deposit of any age, notified with its id only', () => {
  const gw = useTestGateway({
    publicUrlIsGateway: true,
    sandboxes: { now: new Date(), tupay: { days: 420, depositsPerDay: 40 } },
    env: { WEBHOOK_CONFIRM_BURST: '1000' },
  });

  /** A deposit made `days` ago whose money is in (so its confirmation is published). */
  function completedAged(days: number) {
    const state = gw().sandboxes.tupay.state;
    const nowSec = state.nowSec();
    const deposit = state.deposits.range(nowSec - days * DAY, nowSec - days * DAY + DAY).find((d) => d.status === 'COMPLETED');
    expect(deposit, `a completed deposit ${days} days old`).toBeDefined();
    return deposit!;
  }

  it.each([3, 20, 75, 400])('made %i days before its notification → found and published within the stated listing calls', async (days) => {
    const deposit = completedAged(days);
    // Older than the slices the search used to stop at (45 hours).
    expect(days * 24).toBeGreaterThan(TUPAY_HINT_WIDE_SLICES_HOURS.reduce((a, b) => a + b, 0));
    gw().clearLogs();
    const answer = await notify(gw(), { deposit_id: deposit.id });
    expect(answer.body).toEqual({ received: true, outcome: 'published' });
    const calls = listings(gw());
    expect(calls.length).toBeLessThanOrEqual(TUPAY_HINT_MAX_LISTING_CALLS);
    // Every call asked for at most the 60 days the listing allows.
    for (const r of calls) expect(Number(r.query.to) - Number(r.query.from)).toBeLessThan(60 * DAY);
    const event = await waitFor('the CASHIN_RECEIVED event', async () => {
      const { body } = await gw().query(EVENTS);
      return (body.data.events.nodes as { cashin: { id: string } | null }[]).find((e) => e.cashin?.id === globalId(deposit.id));
    });
    expect(event).toEqual({ type: 'CASHIN_RECEIVED', cashin: { id: globalId(deposit.id) } });
  });

  it('an id Tupay does not list → 422 not_found within the stated listing calls, nothing published', async () => {
    const state = gw().sandboxes.tupay.state;
    const unknown = state.nextDepositId + 1_000;
    gw().clearLogs();
    const answer = await notify(gw(), { deposit_id: unknown });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ error: 'not_found' });
    expect(listings(gw()).length).toBeLessThanOrEqual(TUPAY_HINT_MAX_LISTING_CALLS);
  });

  it('an id older than every deposit costs no more than the stated listing calls either (503: Tupay retries, never a longer scan)', async () => {
    gw().clearLogs();
    const answer = await notify(gw(), { deposit_id: 7 });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'unconfirmed' });
    expect(listings(gw()).length).toBeLessThanOrEqual(TUPAY_HINT_MAX_LISTING_CALLS);
  });

  it("Tupay deposit: each CASHIN_RECEIVED names its state, normalized and in Tupay's word (APPROVED, then COMPLETED)", async () => {
    const sandbox = gw().sandboxes.tupay.url;
    const created = await call(sandbox, 'POST', '_sandbox/deposits', { body: { amount: '66.00' } });
    expect(created.status).toBe(201);
    const id = created.body.idDeposit as number;
    const path = new URL(webhookUrl(gw().url, 'TUPAY', gw().config.providers.tupay!.webhookSecret)).pathname;
    const cashinId = globalId(id);
    const events = async () => {
      const { body } = await gw().query(`{ events(provider: TUPAY, first: 100) { nodes { type cashin { id status providerStatus } } } }`);
      expect(body.errors).toBeUndefined();
      return (body.data.events.nodes as { cashin: { id: string } | null }[]).filter((e) => e.cashin?.id === cashinId);
    };
    for (const [word, count] of [
      ['APPROVED', 1],
      ['COMPLETED', 2],
    ] as const) {
      expect((await call(sandbox, 'POST', `_sandbox/deposits/${id}/status`, { body: { status: word } })).status).toBe(200);
      expect((await call(gw().url, 'POST', path, { body: { deposit_id: id } })).body).toEqual({ received: true, outcome: 'published' });
      await waitFor(`the ${word} event`, async () => (await events()).length === count);
    }
    expect(await events()).toEqual([
      { type: 'CASHIN_RECEIVED', cashin: { id: cashinId, status: 'IN_PROGRESS', providerStatus: 'APPROVED' } },
      { type: 'CASHIN_RECEIVED', cashin: { id: cashinId, status: 'COMPLETED', providerStatus: 'COMPLETED' } },
    ]);
  });

  it('with TUPAY_DEPOSIT_IDS_INCREASE off, the widened search is the slices of TUPAY_HINT_WIDE_SLICES_HOURS going back', () => {
    const at = new Date('2026-01-15T12:00:00Z');
    const [narrow, wide] = depositSearches(at, false);
    expect(narrow).toMatchObject({ ranges: [expect.objectContaining({})] });
    expect(wide && 'ranges' in wide ? wide.ranges.map((r) => Math.round((r.to.getTime() - r.from.getTime()) / 3_600_000)) : []).toEqual([
      ...TUPAY_HINT_WIDE_SLICES_HOURS,
    ]);
    const [, seek] = depositSearches(at, true);
    expect(seek).toMatchObject({ notAfter: new Date(at.getTime() + 10 * 60_000) });
  });
});
