/**
 * Identical reads in flight are one authenticated call (src/providers/call.ts): against the TelePagos
 * sandbox, concurrent identical reads of one client present the credential once, are renewed and
 * replayed once when it is refused, and share one clean reading of the answer (read-only); a reading
 * that told a surprise is done by each caller, under its own request id. A read made of several calls
 * (the newest rows of a listing) is shared whole the same way (`ProviderCall.whole`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { WireSurprise } from '../../src/providers/wire.js';
import { Cancellation } from '../../src/cancellation.js';
import { CallAllowance, ProviderCallLimitError } from '../../src/domain/call-allowance.js';
import { ProviderError } from '../../src/providers/errors.js';
import { TELEPAGOS_DOCUMENTED_SUCCESS_WORD } from '../../src/providers/telepagos/assumptions.js';
import { ROUTES, control, count, failure, useHarness } from './telepagos-support.js';
import type { CallContext } from '../../src/domain/models.js';
import type { TelepagosClient } from '../../src/providers/telepagos/client.js';

type Client = TelepagosClient;

const h = useHarness();

const CROWD = 40;
const ctx = (i: number) => ({ requestId: `req-${i}`, signal: new Cancellation() });

describe('identical reads in flight', () => {
  // A guard more than a proof: before reads were shared whole, each caller renewed and replayed on its
  // own and the replays shared one GET, so the counts were the same; what only sharing shows is below.
  it("send the read twice and ask for one token when the crowd's token has expired", async () => {
    const client = h().client();
    await client.balance();
    await control(h().sandbox, 'POST', '/_sandbox/tokens/expire');
    h().sandbox.log.clear();

    const balances = await Promise.all(Array.from({ length: CROWD }, (_, i) => client.balance(ctx(i))));
    expect(new Set(balances.map((b) => b.total.amount)).size).toBe(1);
    expect(count(h().sandbox, ROUTES.token)).toBe(1);
    // The refused read and its replay: not one pair per caller.
    expect(count(h().sandbox, ROUTES.balance)).toBe(2);
  });

  it('share one clean reading of the answer, read-only', async () => {
    // The balance in its documented form whatever the sandbox variant plays (any other form is a surprise).
    h().sandbox.answerRewrites.set(ROUTES.balance, (body) => ({
      status: TELEPAGOS_DOCUMENTED_SUCCESS_WORD,
      amount: Number((body as { amount: unknown }).amount),
    }));
    const client = h().client();
    const balances = await Promise.all(Array.from({ length: CROWD }, (_, i) => client.balance(ctx(i))));
    expect(count(h().sandbox, ROUTES.balance)).toBe(1);
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
    h().sandbox.answerRewrites.set(ROUTES.balance, (body) => ({ ...(body as object), amount: String((body as { amount: unknown }).amount) }));
    const surprises: WireSurprise[] = [];
    const client = h().client({ onWireSurprise: (surprise) => surprises.push(surprise) });
    const balances = await Promise.all(Array.from({ length: CROWD }, (_, i) => client.balance(ctx(i))));
    expect(count(h().sandbox, ROUTES.balance)).toBe(1);
    expect(new Set(balances.map((b) => b.total.amount)).size).toBe(1);
    const told = surprises.filter((s) => s.field === 'amount' && s.endpoint === 'GET v2/account/balance');
    expect(told.map((s) => s.requestId).sort()).toEqual(Array.from({ length: CROWD }, (_, i) => `req-${i}`).sort());
  });
});

describe('identical whole reads in flight (the newest rows of a listing)', () => {
  // 40 rows of 15 a page: pages 1 to 3.
  const query = { from: '2025-05-16', to: '2025-06-15' };
  const ROWS = 40;
  const PAGES = 3;
  const crowd = (n: number) => Array.from({ length: n }, (_, i) => ({ ...ctx(i), calls: new CallAllowance(60) }));
  // The wire as documented, whatever variant the run plays: with the alternate one every page tells a
  // surprise, so no read would be shared whole (each caller reads again: the rows-left-out test below).
  const documentedWire = useHarness({ variant: 'documented' });
  beforeEach(async () => {
    expect((await documentedWire().client().transactions(query)).length).toBeGreaterThan(ROWS);
    documentedWire().sandbox.log.clear();
  });

  it('send each page once, answer the crowd one frozen read, and charge each caller the pages it read', async () => {
    const surprises: WireSurprise[] = [];
    const client = documentedWire().client({ onWireSurprise: (surprise) => surprises.push(surprise) });
    const contexts = crowd(CROWD);
    const answers = await Promise.all(contexts.map((c) => client.newestTransactions(query, ROWS, c)));
    expect([...new Set(surprises.map((s) => `${s.kind} ${s.field} ${s.detail}`))]).toEqual([]);
    expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(PAGES);
    expect(answers[0]!.transactions).toHaveLength(ROWS);
    expect(answers.every((a) => a === answers[0])).toBe(true);
    expect(Object.isFrozen(answers[0]!.transactions[0])).toBe(true);
    expect(contexts.map((c) => c.calls.used)).toEqual(Array(CROWD).fill(PAGES));
    // A read that shares no flight is read for its caller alone, to the same rows.
    const later = await client.newestTransactions(query, ROWS, ctx(CROWD));
    expect(later).not.toBe(answers[0]);
    expect(later).toEqual(answers[0]);
  });

  it('tell each caller the rows left out, under its own request id, without asking for a page twice', async () => {
    // The first row of every page has an amount that is not one: left out, and told.
    documentedWire().sandbox.answerRewrites.set(ROUTES.transactions, (body) => {
      const page = body as { transactions: Record<string, unknown>[] };
      return { ...page, transactions: page.transactions.map((row, i) => (i === 0 ? { ...row, amount: 'x' } : row)) };
    });
    const surprises: WireSurprise[] = [];
    const client = documentedWire().client({ onWireSurprise: (surprise) => surprises.push(surprise) });
    const skipped = new Map<string, Error[]>();
    const contexts = crowd(CROWD).map((c) => ({
      ...c,
      onSkippedRow: (error: Error) => skipped.set(c.requestId, [...(skipped.get(c.requestId) ?? []), error]),
    }));
    const answers = await Promise.all(contexts.map((c) => client.newestTransactions(query, ROWS, c)));
    expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(PAGES);
    expect(new Set(answers.map((a) => a.transactions.length))).toEqual(new Set([ROWS]));
    for (const c of contexts) {
      const errors = skipped.get(c.requestId) ?? [];
      expect(errors).toHaveLength(PAGES);
      expect(errors.every((e) => e instanceof ProviderError && e.requestId === c.requestId)).toBe(true);
      expect(c.calls.used).toBe(PAGES);
    }
    const told = surprises.filter((s) => s.kind === 'skipped_row');
    expect(told.map((s) => s.requestId).sort()).toEqual(contexts.flatMap((c) => Array(PAGES).fill(c.requestId)).sort());
  });

  it('answer each caller its own refusal, under its own request id, from the one page sent', async () => {
    documentedWire().sandbox.answerRewrites.set(ROUTES.transactions, () => ({ status: 'error', message: 'Nope' }));
    const client = documentedWire().client();
    const errors = await Promise.all(crowd(CROWD).map((c) => failure(client.newestTransactions(query, ROWS, c))));
    expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(1);
    expect(errors.map((e) => [e.reason, e.requestId])).toEqual(Array.from({ length: CROWD }, (_, i) => ['REJECTED', `req-${i}`]));
  });

  it('hold each caller to its own allowance, whichever of them led the flight', async () => {
    const client = documentedWire().client();
    for (const short of [0, CROWD - 1]) {
      documentedWire().sandbox.log.clear();
      // One caller has room for two calls: it fails where its third would have been taken; the others are answered.
      const contexts = crowd(CROWD).map((c, i) => (i === short ? { ...c, calls: new CallAllowance(PAGES - 1) } : c));
      const outcomes = await Promise.all(
        contexts.map((c) =>
          client.newestTransactions(query, ROWS, c).then(
            (a) => a.transactions.length,
            (error: unknown) => error,
          ),
        ),
      );
      expect(outcomes[short]).toBeInstanceOf(ProviderCallLimitError);
      expect(outcomes.filter((_, i) => i !== short)).toEqual(Array(CROWD - 1).fill(ROWS));
      expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(PAGES);
    }
  });

  it('share the whole listing too, and a newest-rows read that falls back to it reads it as part of itself', async () => {
    const listed = await documentedWire().client().transactions(query);
    const allPages = Math.ceil(listed.length / 15);
    documentedWire().sandbox.log.clear();
    const client = documentedWire().client();
    const contexts = crowd(CROWD);
    const lists = await Promise.all(contexts.map((c) => client.transactions(query, c)));
    expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(allPages);
    expect(lists.every((l) => l === lists[0])).toBe(true);
    expect(lists[0]).toEqual(listed);
    expect(contexts.map((c) => c.calls.used)).toEqual(Array(CROWD).fill(allPages));

    // Listed oldest first (as configured), the newest rows come from the whole listing: one read within
    // the other. With a row left out on every page, each caller reads the recording again and is told
    // each row once, under its own request id, and no page is sent twice.
    documentedWire().sandbox.answerRewrites.set(ROUTES.transactions, (body) => {
      const page = body as { transactions: Record<string, unknown>[] };
      return { ...page, transactions: page.transactions.map((row, i) => (i === 0 ? { ...row, amount: 'x' } : row)) };
    });
    documentedWire().sandbox.log.clear();
    const surprises: WireSurprise[] = [];
    const oldestFirst = documentedWire().client({ transactionsOrder: 'oldest-first', onWireSurprise: (surprise) => surprises.push(surprise) });
    const skipped = new Map<string, number>();
    const again = crowd(10).map((c) => ({ ...c, onSkippedRow: () => skipped.set(c.requestId, (skipped.get(c.requestId) ?? 0) + 1) }));
    const newest = await Promise.all(again.map((c) => oldestFirst.newestTransactions(query, ROWS, c)));
    expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(allPages);
    expect(newest.map((n) => n.transactions.length)).toEqual(Array(10).fill(ROWS));
    expect(again.map((c) => skipped.get(c.requestId))).toEqual(Array(10).fill(allPages));
    const told = surprises.filter((s) => s.kind === 'skipped_row');
    expect(told.map((s) => s.requestId).sort()).toEqual(again.flatMap((c) => Array(allPages).fill(c.requestId)).sort());
  });

  it('charge the callers with an allowance when the flight was led by a call without one', async () => {
    const client = documentedWire().client();
    // The first caller has no allowance (as a detached call, which must run to its end).
    const [, ...joined] = await Promise.all([
      client.newestTransactions(query, ROWS, ctx(0)),
      ...crowd(3).map((c) => client.newestTransactions(query, ROWS, c).then(() => c.calls.used)),
    ]);
    expect(joined).toEqual([PAGES, PAGES, PAGES]);
    expect(count(documentedWire().sandbox, ROUTES.transactions)).toBe(PAGES);
  });
});

describe.each([
  { read: 'a read', route: ROUTES.balance, sent: 1, answer: 'ARS', run: async (client: Client, c: CallContext) => (await client.balance(c)).total.currency },
  {
    read: 'a whole read (the newest rows of a listing)',
    route: ROUTES.transactions,
    // 40 rows, 15 a page.
    sent: 3,
    answer: 40,
    run: async (client: Client, c: CallContext) => (await client.newestTransactions({ from: '2025-05-16', to: '2025-06-15' }, 40, c)).transactions.length,
  },
])('callers of $read in flight', ({ route, sent, answer, run }) => {
  it('fail together when it hangs, the request sent once and the circuit counting each of 20 callers', async () => {
    h().sandbox.faults.add({ route, mode: 'hang' });
    const client = h().client({ timeoutMs: 200, breaker: { windowMs: 5_000, minimumCalls: 10, threshold: 0.5, halfOpenAfterMs: 5_000 } });
    const errors = await Promise.all(Array.from({ length: 20 }, (_, i) => failure(run(client, ctx(i)))));
    expect(errors.map((e) => e.reason)).toEqual(Array(20).fill('TIMEOUT'));
    expect(count(h().sandbox, route)).toBe(1);
    expect(client.breakerState).toBe('open');
  });

  it('are not cancelled by one caller leaving', async () => {
    h().sandbox.faults.add({ route, mode: 'latency', latencyMs: 300, times: 1 });
    const client = h().client();
    const leaving = new Cancellation();
    const left = run(client, { requestId: 'leaving', signal: leaving }).then(
      () => 'answered',
      (error: { reason?: string }) => error.reason,
    );
    const staying = run(client, ctx(0));
    leaving.abort();
    expect(await left).toBe('CANCELLED');
    expect(await staying).toBe(answer);
    expect(count(h().sandbox, route)).toBe(sent);
  });
});
