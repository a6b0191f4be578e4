/**
 * Concurrent requests that share their TelePagos transactions answers (identical reads in flight are one
 * call) also share the reading and mapping of those rows (src/providers/call.ts,
 * src/modules/transactions/shared-pages.ts). Over HTTP against the sandbox, with latency on the
 * transactions route so the requests' calls are in flight together: every request still gets the
 * answer it would get alone, and what belongs to each request — a surprise counted and logged under
 * it, a skipped row's partial error — is still there for each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { useTestGateway } from '../helpers/gateway.js';

const gw = useTestGateway();

const TELEPAGOS_TX = 'GET /v2/account/transactions';
const DASHBOARD = `
  query($from: LocalDate!, $to: LocalDate!) {
    account(provider: TELEPAGOS) {
      transactions(from: $from, to: $to, first: 50) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor }
        nodes { id kind direction status providerStatus createdAt amount { amount currency } counterparty { name cuit cbu } salePoint { id name } }
      }
    }
  }
`;
const RANGE = { from: '2026-01-01', to: '2026-01-15' };
const CONCURRENT = 6;

afterEach(() => {
  gw().sandboxes.telepagos.answerRewrites.clear();
  gw().sandboxes.telepagos.faults.clear();
});

async function surprises(kind: string): Promise<number> {
  const text = await (await request(`${gw().url}/metrics`)).body.text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith('pasarela_provider_wire_surprises_total{') && l.includes(`kind="${kind}"`) && l.includes('endpoint="GET v2/account/transactions"'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** CONCURRENT dashboards at once, their transactions calls held in flight together by 150 ms of latency. */
async function together() {
  gw().sandboxes.telepagos.faults.add({ route: TELEPAGOS_TX, mode: 'latency', latencyMs: 150 });
  gw().clearLogs();
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => gw().query(DASHBOARD, RANGE)));
  const calls = gw().sandboxes.telepagos.log.list(TELEPAGOS_TX).length;
  gw().sandboxes.telepagos.faults.clear();
  return { answers, calls };
}

describe('transactions rows shared by concurrent requests', () => {
  it('every request gets the answer it gets alone, from shared upstream calls', async () => {
    const alone = await gw().query(DASHBOARD, RANGE);
    expect(alone.body.errors).toBeUndefined();
    expect(alone.body.data.account.transactions.nodes).toHaveLength(50);
    expect(alone.body.data.account.transactions.nodes.some((n: { salePoint: unknown }) => n.salePoint !== null)).toBe(true);
    const { answers, calls } = await together();
    // Shared: far fewer transactions calls than CONCURRENT × the pages one dashboard reads.
    const pagesAlone = CONCURRENT * Math.ceil(50 / 15);
    expect(calls).toBeLessThan(pagesAlone);
    for (const answer of answers) expect(answer.body).toEqual(alone.body);
  });

  it('a surprise in a shared answer is counted for every request that received it', async () => {
    gw().sandboxes.telepagos.answerRewrites.set(TELEPAGOS_TX, (body) => {
      const answer = body as { page?: number; transactions: Record<string, unknown>[] };
      if (answer.page !== 1) return body;
      return { ...answer, transactions: answer.transactions.map((row, i) => (i === 0 ? { ...row, surprise_field: 'x' } : row)) };
    });
    const before = await surprises('unknown_field');
    const { answers, calls } = await together();
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    // Each request read the page itself (it told a surprise): one count per request, not per upstream call.
    expect(calls).toBeLessThan(CONCURRENT * Math.ceil(50 / 15));
    expect((await surprises('unknown_field')) - before).toBe(CONCURRENT);
  });

  it('a row skipped in a shared answer is a partial error in every request', async () => {
    gw().sandboxes.telepagos.answerRewrites.set(TELEPAGOS_TX, (body) => {
      const answer = body as { page?: number; transactions: Record<string, unknown>[] };
      if (answer.page !== 1) return body;
      return { ...answer, transactions: answer.transactions.map((row, i) => (i === 2 ? { ...row, amount: 'mil pesos' } : row)) };
    });
    const { answers } = await together();
    const requestIds = new Set<string>();
    for (const answer of answers) {
      expect(answer.body.data.account.transactions.nodes).toHaveLength(50);
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors![0]!.message).toContain('transactions[2].amount');
      expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', skippedRow: true });
      requestIds.add(answer.body.errors![0]!.extensions!.requestId);
    }
    expect(requestIds.size).toBe(CONCURRENT);
  });
});
