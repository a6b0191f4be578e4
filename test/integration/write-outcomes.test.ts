/**
 * Issue 27: a money-moving call ends CREATED, REFUSED (only when nothing can have moved) or UNKNOWN —
 * never two. Against the TelePagos sandbox over HTTP: it applies a transfer and loses the answer (a 504
 * or a dropped connection), and can answer a replay of a known reference_id with 409. A lost answer is
 * OUTCOME_UNKNOWN (never IDEMPOTENCY_KEY_REUSED, never "nothing was sent"); a retry finds it out from
 * the documented reads (the replay's answer, then the account's transactions) and answers CREATED with
 * exactly one transfer made; so does resolveUnknownCashout outside a request, publishing CASHOUT_UPDATED
 * once.
 */
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentEventValue } from '../../src/events/bus.js';
import { cashoutKey, resolveUnknownCashout, type CashoutDeps } from '../../src/modules/cashouts/cashout.send.js';
import { createLogger } from '../../src/logging.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id provider status referenceId transactionId voucher } userErrors { field message code } }
}`;
const CASHOUT_ROUTE = 'POST /v2/payment/cashout';
const TRANSACTIONS_ROUTE = 'GET /v2/account/transactions';

let seq = 0;
const ref = (label: string) => `wo-${label}-${process.pid}-${++seq}`;
const globalId = (type: string, localId: string | number) => Buffer.from(`${type}:TELEPAGOS:${localId}`).toString('base64url');

// The sandbox's clock is today's (not the suite's fixed TEST_NOW): the listing is searched by the time
// of the first attempt, as it would be against TelePagos.
describe('createCashout outcomes after a lost answer', () => {
  // A breaker that does not open: each test's faults are its own, not a reason to refuse the next test's calls.
  const gw = useTestGateway({ sandboxes: { now: new Date() }, env: { BREAKER_MIN_CALLS: '100000' } });
  let events: PaymentEventValue[] = [];
  let stop: (() => void) | undefined;

  beforeEach(async () => {
    gw().clearLogs();
    await replays(gw(), 'result');
    events = [];
    const subscription = gw().gateway.events.subscribe({ provider: 'TELEPAGOS' });
    stop = () => void subscription.return?.();
    void (async () => {
      for await (const event of subscription) events.push(event);
    })();
  });
  afterEach(() => stop?.());

  // A distinct amount per test: the listing match is by amount, CUIT, destination and time.
  const transfer = (referenceId: string, amount: string, overrides: Record<string, unknown> = {}) => ({
    referenceId,
    cbu: '0000071000000000543213',
    cuit: '20123456786',
    amount,
    concept: 'VAR',
    description: 'Resultado',
    ...overrides,
  });

  it('the answer is lost on every attempt → OUTCOME_UNKNOWN with retry advice; the retry answers CREATED with the same transfer, made once; CASHOUT_UPDATED once', async () => {
    const before = await summary(gw());
    const input = transfer(ref('lost'), '31.01');
    // Every transport attempt is applied and its answer lost (the first makes the transfer, the replays return it).
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', status: 504, times: 3 });
    const lost = await gw().query(CREATE_CASHOUT, { input });
    expect(lost.body.data.createCashout.cashout).toBeNull();
    expect(lost.body.data.createCashout.userErrors).toEqual([
      { field: ['input', 'referenceId'], code: 'OUTCOME_UNKNOWN', message: expect.stringMatching(/Retry with the same referenceId and data/) },
    ]);
    const made = transfersWith(gw(), input.referenceId);
    expect(made).toHaveLength(1);

    const retried = await gw().query(CREATE_CASHOUT, { input });
    expect(retried.body.data.createCashout).toEqual({
      cashout: {
        id: globalId('Cashout', made[0]!.id),
        provider: 'TELEPAGOS',
        status: 'CREATED',
        referenceId: input.referenceId,
        transactionId: null,
        voucher: expect.any(String),
      },
      userErrors: [],
    });
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents - 3101);

    // A replay after that calls nobody and answers the same; the event was published once.
    gw().clearLogs();
    const replay = await gw().query(CREATE_CASHOUT, { input });
    expect(replay.body.data.createCashout).toEqual(retried.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(0);
    await waitForEvents(() => events.length >= 1);
    expect(events.filter((e) => e.type === 'CASHOUT_UPDATED')).toEqual([
      expect.objectContaining({
        type: 'CASHOUT_UPDATED',
        observedAt: expect.any(String),
        cashout: expect.objectContaining({ id: globalId('Cashout', made[0]!.id), status: 'CREATED' }),
      }),
    ]);
  });

  it('a dropped connection after the transfer is made: OUTCOME_UNKNOWN, then CREATED, one transfer', async () => {
    const input = transfer(ref('reset'), '31.02');
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer-reset', times: 3 });
    const lost = await gw().query(CREATE_CASHOUT, { input });
    expect(lost.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    const retried = await gw().query(CREATE_CASHOUT, { input });
    const made = transfersWith(gw(), input.referenceId);
    expect(made).toHaveLength(1);
    expect(retried.body.data.createCashout.cashout).toMatchObject({ id: globalId('Cashout', made[0]!.id), status: 'CREATED' });
  });

  it('the answer is lost and the replay is answered 409: OUTCOME_UNKNOWN (never IDEMPOTENCY_KEY_REUSED); the retry finds the transfer in the transactions → CREATED', async () => {
    const before = await summary(gw());
    const input = transfer(ref('409'), '31.03');
    await replays(gw(), 'conflict');
    // The first attempt makes the transfer and loses the answer; the transport's replay gets 409.
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await gw().query(CREATE_CASHOUT, { input });
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBeGreaterThanOrEqual(2);
    expect(lost.body.data.createCashout.cashout).toBeNull();
    expect(lost.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN', field: ['input', 'referenceId'] })]);
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);

    // The retry: the replay is answered 409 again, the listing shows exactly one matching transfer.
    gw().clearLogs();
    const retried = await gw().query(CREATE_CASHOUT, { input });
    expect(gw().sandboxes.telepagos.log.count(TRANSACTIONS_ROUTE)).toBeGreaterThan(0);
    expect(retried.body.data.createCashout).toEqual({
      cashout: {
        id: globalId('Cashout', `ref:${input.referenceId}`),
        provider: 'TELEPAGOS',
        status: 'CREATED',
        referenceId: input.referenceId,
        transactionId: expect.any(String),
        voucher: null,
      },
      userErrors: [],
    });
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
    expect((await summary(gw())).balance_cents).toBe(before.balance_cents - 3103);
    await waitForEvents(() => events.length >= 1);
    expect(events).toEqual([
      expect.objectContaining({ type: 'CASHOUT_UPDATED', cashout: expect.objectContaining({ status: 'CREATED', referenceId: input.referenceId }) }),
    ]);

    // Kept: a replay calls nobody.
    gw().clearLogs();
    const replay = await gw().query(CREATE_CASHOUT, { input });
    expect(replay.body.data.createCashout).toEqual(retried.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.list()).toEqual([]);
    // Its id is found again, by the cash-out lookup and as a node.
    const id = retried.body.data.createCashout.cashout.id;
    const looked = await gw().query(`query($id: ID!) { cashout(id: $id) { id status referenceId voucher } node(id: $id) { id } }`, { id });
    expect(looked.body.data).toEqual({ cashout: { id, status: 'CREATED', referenceId: input.referenceId, voucher: null }, node: { id } });
  });

  it('while the transactions cannot be read the outcome stays OUTCOME_UNKNOWN on every retry (never a refusal); then it resolves', async () => {
    const input = transfer(ref('unreadable'), '31.04');
    await replays(gw(), 'conflict');
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 1 });
    gw().sandboxes.telepagos.faults.add({ route: TRANSACTIONS_ROUTE, mode: 'status', status: 503 });
    for (let i = 0; i < 2; i++) {
      const answer = await gw().query(CREATE_CASHOUT, { input });
      expect(answer.body.data.createCashout.cashout).toBeNull();
      expect(answer.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    }
    // Other data with the reference is still a conflict (it is reserved for its transfer).
    const other = await gw().query(CREATE_CASHOUT, { input: { ...input, amount: '99.00' } });
    expect(other.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
    gw().clearLogs();
    const resolved = await gw().query(CREATE_CASHOUT, { input });
    expect(resolved.body.data.createCashout.cashout).toMatchObject({ status: 'CREATED', referenceId: input.referenceId });
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
  });

  it('a refusal of a clean first attempt stays final (a transfer to our own account): PROVIDER_REJECTED, kept, nothing moved', async () => {
    const input = transfer(ref('refused'), '31.06', { cbu: gw().sandboxes.telepagos.state.account.cbu });
    const refused = await gw().query(CREATE_CASHOUT, { input });
    expect(refused.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'PROVIDER_REJECTED' })]);
    gw().clearLogs();
    const again = await gw().query(CREATE_CASHOUT, { input });
    expect(again.body.data.createCashout).toEqual(refused.body.data.createCashout);
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(0);
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(0);
  });

  it('resolveUnknownCashout, outside any request: finds the transfer, keeps it, publishes CASHOUT_UPDATED once; the client retry then replays it', async () => {
    const input = transfer(ref('watcher'), '31.05');
    await replays(gw(), 'conflict');
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await gw().query(CREATE_CASHOUT, { input });
    expect(lost.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);
    const pending = await gw().gateway.state.idempotency.get(cashoutKey(input.referenceId));
    // The replay's refusal (a 409; in the alternate variant the same refusal with HTTP 200) is kept as why it is unknown.
    expect(pending).toMatchObject({ state: 'pending', unknown: { sinceMs: expect.any(Number), why: expect.stringMatching(/conflict|rejected/) } });

    const deps: CashoutDeps = {
      providers: gw().gateway.providers,
      idempotency: gw().gateway.state.idempotency,
      events: gw().gateway.events,
      logger: createLogger({ level: 'silent' }),
      upstreamTimeoutMs: gw().config.upstreamTimeoutMs,
    };
    const found = await resolveUnknownCashout(deps, input.referenceId);
    expect(found).toMatchObject({ status: 'CREATED', published: true, cashout: { status: 'CREATED', referenceId: input.referenceId } });
    // Asked again: already known, nothing published.
    expect(await resolveUnknownCashout(deps, input.referenceId)).toMatchObject({ status: 'CREATED', published: false });
    expect(await resolveUnknownCashout(deps, ref('never-sent'))).toEqual({ status: 'NOT_SENT' });

    gw().clearLogs();
    const retried = await gw().query(CREATE_CASHOUT, { input });
    expect(retried.body.data.createCashout.cashout).toMatchObject({ id: (found as { cashout: { id: string } }).cashout.id, status: 'CREATED' });
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(0);
    await waitForEvents(() => events.length >= 1);
    expect(events.filter((e) => e.type === 'CASHOUT_UPDATED')).toHaveLength(1);
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
  });

  it('a found-out outcome whose announcement the bus failed is announced by the next reading (the watcher reads again): CASHOUT_UPDATED once, none lost', async () => {
    const input = transfer(ref('announce'), '31.07');
    await replays(gw(), 'conflict');
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 1 });
    const lost = await gw().query(CREATE_CASHOUT, { input });
    expect(lost.body.data.createCashout.userErrors).toEqual([expect.objectContaining({ code: 'OUTCOME_UNKNOWN' })]);

    const bus = gw().gateway.events;
    const deps: CashoutDeps = {
      providers: gw().gateway.providers,
      idempotency: gw().gateway.state.idempotency,
      events: bus,
      logger: createLogger({ level: 'silent' }),
      upstreamTimeoutMs: gw().config.upstreamTimeoutMs,
    };
    const down: typeof bus = Object.assign(Object.create(bus) as typeof bus, { publish: () => Promise.reject(new Error('the bus is down')) });
    const failing: CashoutDeps = { ...deps, events: down };
    // Found out and kept, but not announced: the reading fails, so the watcher reads again.
    await expect(resolveUnknownCashout(failing, input.referenceId)).rejects.toThrow('the bus is down');
    expect(await gw().gateway.state.idempotency.get(cashoutKey(input.referenceId))).toMatchObject({ state: 'completed' });
    // The next reading announces it; the one after adds nothing.
    expect(await resolveUnknownCashout(deps, input.referenceId)).toMatchObject({ status: 'CREATED', published: false });
    expect(await resolveUnknownCashout(deps, input.referenceId)).toMatchObject({ status: 'CREATED' });
    await waitForEvents(() => events.some((e) => e.type === 'CASHOUT_UPDATED'));
    const announced = await bus.read({}, undefined, 100);
    expect(
      announced.events.filter((e) => e.type === 'CASHOUT_UPDATED' && (e.cashout as { referenceId?: string }).referenceId === input.referenceId),
    ).toHaveLength(1);
    expect(transfersWith(gw(), input.referenceId)).toHaveLength(1);
  });
});

async function replays(gw: TestGateway, answer: 'result' | 'conflict'): Promise<void> {
  const { status } = await call(gw.sandboxes.telepagos.url, 'PUT', '_sandbox/cashout-replays', { body: { answer } });
  expect(status).toBe(200);
}

async function summary(gw: TestGateway): Promise<{ balance_cents: number }> {
  return (await call(gw.sandboxes.telepagos.url, 'GET', '_sandbox/state/summary')).body;
}

const transfersWith = (gw: TestGateway, referenceId: string) =>
  [...gw.sandboxes.telepagos.state.cashouts.values()].filter((c) => c.referenceId === referenceId);

async function waitForEvents(done: () => boolean): Promise<void> {
  await waitFor('the events to arrive', done);
}
