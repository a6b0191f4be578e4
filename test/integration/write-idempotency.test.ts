/**
 * createCashout is at most once per referenceId, checked against what the TelePagos sandbox received
 * and holds: replays answer the first transfer, other data with the key is refused, concurrent
 * identical requests cause one provider call, and an unknown outcome (timeout) answers OUTCOME_UNKNOWN
 * and leaves the key pending so that a retry re-sends the same reference_id and TelePagos de-duplicates it.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../src/state/idempotency-store.js';
import { memoryState } from '../../src/state/index.js';
import { StateUnavailableError } from '../../src/state/redis/connection.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id } userErrors { field message code } }
}`;
const CASHOUT_ROUTE = 'POST /v2/payment/cashout';

async function summary(gw: TestGateway): Promise<{ balance_cents: number; transactions: number; cashouts: number }> {
  return (await call(gw.sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body;
}

let seq = 0;
const ref = (label: string) => `wi-${label}-${process.pid}-${++seq}`;

const transfer = (referenceId: string, overrides: Record<string, unknown> = {}) => ({
  referenceId,
  alias: 'pasarela.demo',
  cuit: '20123456786',
  amount: '250.00',
  concept: 'VAR',
  description: 'Idempotencia',
  ...overrides,
});

/** The reference_id of every cash-out POST TelePagos received since the last clear. */
const sentReferences = (gw: TestGateway) => gw.sandboxes.telepagos.log.list(CASHOUT_ROUTE).map((r) => (r.body as { reference_id: string }).reference_id);

/** The sandbox's cash-outs with this reference (its ledger: a second transfer would be a second record). */
const transfersWith = (gw: TestGateway, referenceId: string) =>
  [...gw.sandboxes.telepagos.state.cashouts.values()].filter((c) => c.referenceId === referenceId);

describe('createCashout idempotency', () => {
  const gw = useTestGateway();
  beforeEach(() => gw().clearLogs());

  it('replay: the same input twice answers the same cashout, TelePagos is called once, money moves once', async () => {
    const before = await summary(gw());
    const input = transfer(ref('replay'));
    const first = await gw().query(CREATE_CASHOUT, { input });
    const second = await gw().query(CREATE_CASHOUT, { input });
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    expect(second.body.data.createCashout).toEqual(first.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(1);
    const after = await summary(gw());
    expect(after.balance_cents).toBe(before.balance_cents - 25000);
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
  });

  it('replay: the same data written differently (formatted CUIT, alias case, amount 250.5 vs 250.50) is a replay, not a conflict', async () => {
    const referenceId = ref('equivalent');
    const first = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId, { amount: '250.50' }) });
    const second = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId, { amount: '250.5', cuit: '20-12345678-6', alias: 'Pasarela.Demo' }) });
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    expect(second.body.data.createCashout).toEqual(first.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(1);
  });

  it.each([
    ['another amount', { amount: '251.00' }],
    ['another destination', { alias: undefined, cbu: '0000071000000000543213' }],
    ['another CUIT', { alias: undefined, cbu: '0000071000000000543213', cuit: '30500010912' }],
    ['another concept', { concept: 'ALQ' }],
    ['another description', { description: 'Otra cosa' }],
  ])('conflict: the same referenceId with %s → IDEMPOTENCY_KEY_REUSED, nothing sent, the first transfer stands', async (_name, overrides) => {
    const referenceId = ref('conflict');
    const first = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId) });
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    const before = await summary(gw());
    gw().clearLogs();

    const other = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId, overrides) });
    expect(other.body.data.createCashout.cashout).toBeNull();
    expect(other.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ field: ['input', 'referenceId'], code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(gw().sandboxes.telepagos.log.list()).toEqual([]);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents);

    // The first data still replays afterwards.
    const again = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId) });
    expect(again.body.data.createCashout).toEqual(first.body.data.createCashout);
  });

  it('concurrency: 20 identical createCashout at once → one POST to TelePagos, one transfer, all 20 get the same cashout', async () => {
    const before = await summary(gw());
    const input = transfer(ref('parallel'), { amount: '77.77' });
    const results = await Promise.all(Array.from({ length: 20 }, () => gw().query(CREATE_CASHOUT, { input })));
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body.data.createCashout.userErrors).toEqual([]);
    }
    const ids = new Set(results.map((r) => r.body.data.createCashout.cashout.id));
    expect(ids.size).toBe(1);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(1);
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
    const after = await summary(gw());
    expect(after.balance_cents).toBe(before.balance_cents - 7777);
    expect(after.cashouts).toBe(before.cashouts + 1);
  });

  it('concurrency: the same referenceId with two different inputs at once → exactly one transfer; the losers are conflicts', async () => {
    const before = await summary(gw());
    const referenceId = ref('race');
    const a = transfer(referenceId, { amount: '11.00' });
    const b = transfer(referenceId, { amount: '22.00' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => gw().query(CREATE_CASHOUT, { input: i % 2 ? a : b })));
    const created = results.filter((r) => r.body.data.createCashout.cashout);
    const conflicts = results.filter((r) => r.body.data.createCashout.userErrors[0]?.code === 'IDEMPOTENCY_KEY_REUSED');
    expect(created.length + conflicts.length).toBe(10);
    expect(created).toHaveLength(5);
    expect(new Set(created.map((r) => r.body.data.createCashout.cashout.id)).size).toBe(1);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(1);
    const [only] = transfersWith(gw(), referenceId);
    expect(transfersWith(gw(), referenceId)).toHaveLength(1);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents - only!.amountCents);
  });

  it('an outage (503 on every attempt) moves no money and keeps the key usable: the retry sends the transfer once', async () => {
    const referenceId = ref('outage');
    const before = await summary(gw());
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'status', status: 503 });
    const failed = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId) });
    expect(failed.body.data.createCashout.cashout).toBeNull();
    // A 503 may come from in front of TelePagos after it acted: unknown, never "nothing was sent" (issue 27).
    expect(failed.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBeGreaterThan(0);
    expect(new Set(sentReferences(gw()))).toEqual(new Set([referenceId]));
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents);

    gw().clearLogs();
    const retried = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId) });
    expect(retried.body.data.createCashout.userErrors).toEqual([]);
    expect(sentReferences(gw())).toEqual([referenceId]);
    expect(transfersWith(gw(), referenceId)).toHaveLength(1);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents - 25000);
  });

  it('after an unknown outcome the key stays reserved for its data: other data with it is a conflict', async () => {
    const referenceId = ref('reserved');
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'status', status: 503 });
    const failed = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId) });
    expect(failed.body.data.createCashout.userErrors[0].code).toBe('OUTCOME_UNKNOWN');
    gw().clearLogs();
    const other = await gw().query(CREATE_CASHOUT, { input: transfer(referenceId, { amount: '999.00' }) });
    expect(other.body.data.createCashout.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(0);
  });
});

describe('createCashout: provider timeouts (UPSTREAM_TIMEOUT_MS=300)', () => {
  const gw = useTestGateway({ env: { UPSTREAM_TIMEOUT_MS: '300' } });
  beforeEach(() => gw().clearLogs());

  it('one hung attempt: OUTCOME_UNKNOWN once the budget is spent; the client retry re-sends the same reference_id, TelePagos makes one transfer', async () => {
    const before = await summary(gw());
    const input = transfer(ref('hang'), { amount: '33.00' });
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'hang', times: 1 });
    // The hung attempt spends the whole call's budget (UPSTREAM_TIMEOUT_MS): nothing is re-sent after it.
    const failed = await gw().query(CREATE_CASHOUT, { input });
    expect(failed.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(1);
    const { body } = await gw().query(CREATE_CASHOUT, { input });
    expect(body.data.createCashout.userErrors).toEqual([]);
    const sent = sentReferences(gw());
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent)).toEqual(new Set([input.referenceId]));
    // Every attempt carried the same transfer, not only the same reference.
    const bodies = gw()
      .sandboxes.telepagos.log.list(CASHOUT_ROUTE)
      .map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(1);
    const made = transfersWith(gw(), input.referenceId);
    expect(made).toHaveLength(1);
    expect(body.data.createCashout.cashout.id).toBe(Buffer.from(`Cashout:TELEPAGOS:${made[0]!.id}`).toString('base64url'));
    const after = await summary(gw());
    expect(after.balance_cents).toBe(before.balance_cents - 3300);
    expect(after.transactions).toBe(before.transactions + 1);
  });

  it('TelePagos acts but its answer is late: OUTCOME_UNKNOWN; the client retry re-sends the same reference_id and gets the same cashout; money moved once', async () => {
    const before = await summary(gw());
    const input = transfer(ref('late'), { amount: '44.00' });
    // The attempt is processed by TelePagos (the transfer happens) but answered after the call's budget.
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'latency', latencyMs: 900, times: 1 });
    const failed = await gw().query(CREATE_CASHOUT, { input });
    expect(failed.body.data.createCashout.cashout).toBeNull();
    expect(failed.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN', field: ['input', 'referenceId'] })]);
    expect(failed.body.data.createCashout.userErrors[0].message).toMatch(/Retry with the same referenceId and data: that never sends a second transfer/);
    const attempts = gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE);
    expect(attempts).toBe(1);

    const retried = await gw().query(CREATE_CASHOUT, { input });
    expect(retried.body.data.createCashout.userErrors).toEqual([]);
    // The retry reached TelePagos (the outcome was unknown) with the same reference_id …
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(attempts + 1);
    expect(new Set(sentReferences(gw()))).toEqual(new Set([input.referenceId]));
    // … and TelePagos answered the transfer it had already made.
    const made = transfersWith(gw(), input.referenceId);
    expect(made).toHaveLength(1);
    expect(retried.body.data.createCashout.cashout.id).toBe(Buffer.from(`Cashout:TELEPAGOS:${made[0]!.id}`).toString('base64url'));

    // A third call is a plain replay: no request at all.
    gw().clearLogs();
    const replay = await gw().query(CREATE_CASHOUT, { input });
    expect(replay.body.data.createCashout).toEqual(retried.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(0);

    const after = await summary(gw());
    expect(after.balance_cents).toBe(before.balance_cents - 4400);
    expect(after.cashouts).toBe(before.cashouts + 1);
    expect(after.transactions).toBe(before.transactions + 1);
  });
});

/** An idempotency store that loses its connection for the next `failCompletes` completions. */
class FlakyStore extends MemoryIdempotencyStore {
  failCompletes = 0;
  override async complete(key: string, outcome: unknown, retentionMs: number): Promise<void> {
    if (this.failCompletes > 0) {
      this.failCompletes--;
      throw new StateUnavailableError(new Error('connection lost'));
    }
    return super.complete(key, outcome, retentionMs);
  }
}

describe('createCashout: the idempotency store fails after TelePagos made the transfer', () => {
  const store = new FlakyStore();
  const state = { ...memoryState(), idempotency: store };
  const gw = useTestGateway({ state });
  afterAll(() => state.close());
  beforeEach(() => gw().clearLogs());

  it('the client gets the transfer TelePagos made (never "none was sent"); a retry gets the same cashout; money moved once', async () => {
    const before = await summary(gw());
    const input = transfer(ref('unrecorded'), { amount: '55.00' });
    store.failCompletes = 1;
    const first = await gw().query(CREATE_CASHOUT, { input });
    const made = transfersWith(gw(), input.referenceId);
    expect(made).toHaveLength(1);
    expect(first.body.data.createCashout.userErrors).toEqual([]);
    expect(first.body.data.createCashout.cashout.id).toBe(Buffer.from(`Cashout:TELEPAGOS:${made[0]!.id}`).toString('base64url'));

    const retried = await gw().query(CREATE_CASHOUT, { input });
    expect(retried.body.data.createCashout).toEqual(first.body.data.createCashout);
    expect(new Set(sentReferences(gw()))).toEqual(new Set([input.referenceId]));
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents - 5500);
  });
});
