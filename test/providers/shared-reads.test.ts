/**
 * Identical reads in flight are one authenticated call (src/providers/call.ts): against the TelePagos
 * sandbox, concurrent identical reads of one client present the credential once, are renewed and
 * replayed once when it is refused, and share one clean reading of the answer (read-only); a reading
 * that told a surprise is done by each caller, under its own request id.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WireSurprise } from '../../src/providers/wire.js';
import { Cancellation } from '../../src/cancellation.js';
import { TELEPAGOS_DOCUMENTED_SUCCESS_WORD } from '../../src/providers/telepagos/assumptions.js';
import { ROUTES, control, count, failure, startHarness, type Harness } from './telepagos-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.sandbox.reset();
});
afterEach(async () => {
  await h.closeClients();
});

const CROWD = 40;
const ctx = (i: number) => ({ requestId: `req-${i}`, signal: new Cancellation() });

describe('identical reads in flight', () => {
  // A guard more than a proof: before reads were shared whole, each caller renewed and replayed on its
  // own and the replays shared one GET, so the counts were the same; what only sharing shows is below.
  it("send the read twice and ask for one token when the crowd's token has expired", async () => {
    const client = h.client();
    await client.balance();
    await control(h.sandbox, 'POST', '/_sandbox/tokens/expire');
    h.sandbox.log.clear();

    const balances = await Promise.all(Array.from({ length: CROWD }, (_, i) => client.balance(ctx(i))));
    expect(new Set(balances.map((b) => b.total.amount)).size).toBe(1);
    expect(count(h.sandbox, ROUTES.token)).toBe(1);
    // The refused read and its replay: not one pair per caller.
    expect(count(h.sandbox, ROUTES.balance)).toBe(2);
  });

  it('share one clean reading of the answer, read-only', async () => {
    // The balance in its documented form whatever the sandbox variant plays (any other form is a surprise).
    h.sandbox.answerRewrites.set(ROUTES.balance, (body) => ({
      status: TELEPAGOS_DOCUMENTED_SUCCESS_WORD,
      amount: Number((body as { amount: unknown }).amount),
    }));
    const client = h.client();
    const balances = await Promise.all(Array.from({ length: CROWD }, (_, i) => client.balance(ctx(i))));
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
    expect(balances.every((b) => b === balances[0])).toBe(true);
    expect(Object.isFrozen(balances[0])).toBe(true);
    expect(Object.isFrozen(balances[0]!.total)).toBe(true);
    // A read that shares no flight is read for its caller alone.
    const later = await client.balance(ctx(CROWD));
    expect(later).not.toBe(balances[0]);
    expect(later).toEqual(balances[0]);
  });

  it('read again by each caller when the reading told a surprise, each under its own request id', async () => {
    // The documented number sent as a string: read, and told as a surprise.
    h.sandbox.answerRewrites.set(ROUTES.balance, (body) => ({ ...(body as object), amount: String((body as { amount: unknown }).amount) }));
    const surprises: WireSurprise[] = [];
    const client = h.client({ onWireSurprise: (surprise) => surprises.push(surprise) });
    const balances = await Promise.all(Array.from({ length: CROWD }, (_, i) => client.balance(ctx(i))));
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
    expect(new Set(balances.map((b) => b.total.amount)).size).toBe(1);
    const told = surprises.filter((s) => s.field === 'amount' && s.endpoint === 'GET v2/account/balance');
    expect(told.map((s) => s.requestId).sort()).toEqual(Array.from({ length: CROWD }, (_, i) => `req-${i}`).sort());
  });

  it('count in the circuit once per caller: one hung read awaited by 20 callers opens it', async () => {
    h.sandbox.faults.add({ route: ROUTES.balance, mode: 'hang' });
    const client = h.client({ timeoutMs: 200, breaker: { windowMs: 5_000, minimumCalls: 10, threshold: 0.5, halfOpenAfterMs: 5_000 } });
    const errors = await Promise.all(Array.from({ length: 20 }, (_, i) => failure(client.balance(ctx(i)))));
    expect(errors.map((e) => e.reason)).toEqual(Array(20).fill('TIMEOUT'));
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
    expect(client.breakerState).toBe('open');
  });

  it('keep one caller cancelling from cancelling the others', async () => {
    h.sandbox.faults.add({ route: ROUTES.balance, mode: 'latency', latencyMs: 300, times: 1 });
    const client = h.client();
    const leaving = new Cancellation();
    const left = client.balance({ requestId: 'leaving', signal: leaving }).then(
      () => 'answered',
      (error: { reason?: string }) => error.reason,
    );
    const staying = client.balance(ctx(0));
    leaving.abort();
    expect(await left).toBe('CANCELLED');
    expect((await staying).total.currency).toBe('ARS');
    expect(count(h.sandbox, ROUTES.balance)).toBe(1);
  });
});
