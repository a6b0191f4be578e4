/**
 * Issue 27: an unknown cash-out outcome is found out by the gateway on its own, not only when the client
 * retries. The TelePagos sandbox makes the transfer and loses the answer, then answers every replay of the
 * reference with 409: the mutation answers OUTCOME_UNKNOWN and watches the reference; the watcher (a short
 * PENDING_POLL_INTERVAL_MS here) finds the transfer in the account's transactions and subscribers get one
 * CASHOUT_UPDATED with status CREATED. The client's later retry answers the same transfer, sending nothing.
 */
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentEventValue } from '../../src/events/bus.js';
import { UNKNOWN_CASHOUT_WATCH } from '../../src/modules/cashouts/cashout.watch.js';
import { useTestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const CREATE_CASHOUT = `mutation($input: CreateCashoutInput!) {
  createCashout(input: $input) { cashout { id status referenceId transactionId } userErrors { field code } }
}`;
const CASHOUT_ROUTE = 'POST /v2/payment/cashout';

describe('an unknown cash-out outcome, found out by the watcher', () => {
  const gw = useTestGateway({
    // The sandbox's clock is today's: the listing is searched around the first attempt's time.
    sandboxes: { now: new Date() },
    env: { BREAKER_MIN_CALLS: '100000', PENDING_POLL_INTERVAL_MS: '100', PENDING_POLL_MAX_INTERVAL_MS: '400' },
  });
  let events: PaymentEventValue[] = [];
  let stop: (() => void) | undefined;

  beforeEach(async () => {
    gw().clearLogs();
    events = [];
    const subscription = gw().gateway.events.subscribe({ provider: 'TELEPAGOS' });
    stop = () => void subscription.return?.();
    void (async () => {
      for await (const event of subscription) events.push(event);
    })();
  });
  afterEach(async () => {
    stop?.();
    await call(gw().sandboxes.telepagos.url, 'PUT', '_sandbox/cashout-replays', { body: { answer: 'result' } });
  });

  it('lost answer, 409 on every replay: OUTCOME_UNKNOWN; the watcher finds the transfer and publishes CASHOUT_UPDATED once; the retry answers it', async () => {
    const referenceId = `cw-${process.pid}-${Date.now()}`;
    const input = { referenceId, cbu: '0000071000000000543213', cuit: '20123456786', amount: '41.07', concept: 'VAR', description: 'Vigilado' };
    expect((await call(gw().sandboxes.telepagos.url, 'PUT', '_sandbox/cashout-replays', { body: { answer: 'conflict' } })).status).toBe(200);
    gw().sandboxes.telepagos.faults.add({ route: CASHOUT_ROUTE, mode: 'lose-answer', times: 1 });

    const lost = await gw().query(CREATE_CASHOUT, { input });
    expect(lost.body.data.createCashout).toEqual({ cashout: null, userErrors: [{ field: ['input', 'referenceId'], code: 'OUTCOME_UNKNOWN' }] });
    const made = [...gw().sandboxes.telepagos.state.cashouts.values()].filter((c) => c.referenceId === referenceId);
    expect(made).toHaveLength(1);

    // No client retry: the watcher finds it out.
    await waitFor('CASHOUT_UPDATED for the found-out transfer', () => events.some((e) => e.type === 'CASHOUT_UPDATED'));
    const found = events.filter((e) => e.type === 'CASHOUT_UPDATED');
    expect(found).toEqual([expect.objectContaining({ observedAt: expect.any(String), cashout: expect.objectContaining({ status: 'CREATED' }) })]);
    await waitFor('the watch to end', async () => (await gw().gateway.state.watches.get(UNKNOWN_CASHOUT_WATCH, 'TELEPAGOS', referenceId)) === undefined);

    // The client's retry answers the same transfer and sends nothing; no second event.
    gw().clearLogs();
    const retried = await gw().query(CREATE_CASHOUT, { input });
    expect(retried.body.data.createCashout.userErrors).toEqual([]);
    expect(retried.body.data.createCashout.cashout).toMatchObject({ id: (found[0]!.cashout as { id: string }).id, status: 'CREATED', referenceId });
    expect(gw().sandboxes.telepagos.log.count(CASHOUT_ROUTE)).toBe(0);
    expect([...gw().sandboxes.telepagos.state.cashouts.values()].filter((c) => c.referenceId === referenceId)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'CASHOUT_UPDATED')).toHaveLength(1);
  });
});
