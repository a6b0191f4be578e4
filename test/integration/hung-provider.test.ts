/**
 * Every TelePagos route hangs while dashboards keep coming (operations/dashboard.graphql, over HTTP,
 * timed by the client): each answers with Tupay's data and a TelePagos error within the call's budget
 * (UPSTREAM_TIMEOUT_MS) + 1 s, the circuit is open within 10 s of the fault, later dashboards fail
 * TelePagos at once, and once the fault is lifted TelePagos answers again within one probe interval.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { useTestGateway, type GraphQLResponse } from '../helpers/gateway.js';

const TIMEOUT_MS = 1_500;
const PROBE_INTERVAL_MS = 2_000;
const CONCURRENCY = 30;
const DASHBOARD = readFileSync(new URL('../../operations/dashboard.graphql', import.meta.url), 'utf8');
const VARIABLES = { from: '2026-01-10', to: '2026-01-15' };
/** Only the dashboard's TelePagos part: its time is the time TelePagos takes to fail. */
const TELEPAGOS_PART = 'query { telepagos: account(provider: TELEPAGOS) { id transactions(from: "2026-01-10", to: "2026-01-15", first: 50) { totalCount } } }';

describe('a hung provider', () => {
  const gw = useTestGateway({ env: { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), BREAKER_PROBE_INTERVAL_MS: String(PROBE_INTERVAL_MS) } });

  async function timed(query: string, variables?: Record<string, unknown>): Promise<{ ms: number; response: GraphQLResponse }> {
    const started = performance.now();
    const response = await gw().query(query, variables);
    return { ms: performance.now() - started, response };
  }

  function wave(size: number, query = DASHBOARD) {
    return Promise.all(Array.from({ length: size }, () => timed(query, query === DASHBOARD ? VARIABLES : undefined)));
  }

  async function telepagosBreaker(): Promise<string> {
    const response = await request(`${gw().url}/readyz`);
    return ((await response.body.json()) as { providers: Record<string, string> }).providers.TELEPAGOS!;
  }

  /** Tupay's account is there, and every error is TelePagos's, unavailable for `reason`, at a TelePagos path. */
  function expectTupayAndTelepagosError({ response }: { response: GraphQLResponse }, reason: string): void {
    expect(response.status).toBe(200);
    const accounts = response.body.data!.accounts as { provider: string; balances: { currency: string }[] }[];
    expect(accounts.map((a) => a.provider)).toEqual(['TUPAY']);
    expect(accounts[0]!.balances.map((b) => b.currency).sort()).toEqual(['PEN', 'USD']);
    expect(response.body.data!.telepagos).toBeNull();
    const errors = response.body.errors ?? [];
    expect(errors.map((e) => e.path?.[0]).sort()).toEqual(['accounts', 'telepagos']);
    for (const error of errors) expect(error.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS', reason });
  }

  it('fails TelePagos within the budget, opens the circuit within seconds, fails fast, and recovers within a probe interval', async () => {
    // Healthy first: the whole dashboard, with TelePagos's transactions, and a closed circuit.
    const healthy = await wave(5);
    for (const { response } of healthy) {
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.telepagos.transactions.nodes.length).toBeGreaterThan(0);
    }
    expect(await telepagosBreaker()).toBe('closed');

    gw().sandboxes.telepagos.faults.add({ route: '*', mode: 'hang' });
    const faultAt = performance.now();

    // The first dashboards wait for the hung calls, but no longer than the budget (+ 1 s).
    const first = await wave(CONCURRENCY);
    for (const dashboard of first) {
      expectTupayAndTelepagosError(dashboard, 'TIMEOUT');
      expect(dashboard.ms).toBeLessThan(TIMEOUT_MS + 1_000);
    }

    // A few shared GETs, awaited by 30 callers each, are enough evidence: the circuit is open.
    expect(await telepagosBreaker()).toBe('open');
    expect(performance.now() - faultAt).toBeLessThan(10_000);

    // Later dashboards fail TelePagos at once (and still bring Tupay's data).
    for (const dashboard of await wave(10)) {
      expectTupayAndTelepagosError(dashboard, 'CIRCUIT_OPEN');
      expect(dashboard.ms).toBeLessThan(TIMEOUT_MS);
    }
    for (let i = 0; i < 10; i++) {
      const { ms, response } = await timed(TELEPAGOS_PART);
      expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS', reason: 'CIRCUIT_OPEN' });
      expect(ms).toBeLessThan(50);
    }

    // Past the probe interval the fault is still there: one dashboard carries the probe (and waits
    // for it, within the budget), the others fail fast, and the circuit opens again.
    await sleep(PROBE_INTERVAL_MS);
    const probing = await wave(10);
    for (const dashboard of probing) expect(dashboard.ms).toBeLessThan(TIMEOUT_MS + 1_000);
    const reasons = probing.flatMap((d) => d.response.body.errors!.map((e) => e.extensions!.reason as string));
    expect(reasons).toHaveLength(20);
    expect(reasons.filter((r) => r === 'TIMEOUT')).toHaveLength(1);
    expect(reasons.filter((r) => r === 'CIRCUIT_OPEN')).toHaveLength(19);
    expect(await telepagosBreaker()).toBe('open');

    // Lift the fault while the circuit is open: within one probe interval TelePagos answers again.
    gw().sandboxes.telepagos.faults.clear();
    const liftedAt = performance.now();
    let recovered: GraphQLResponse | undefined;
    for (let i = 0; i < 60 && !recovered; i++) {
      const { response } = await timed(DASHBOARD, VARIABLES);
      if (response.body.errors === undefined) recovered = response;
      else await sleep(50);
    }
    const recoveryMs = performance.now() - liftedAt;
    expect(recovered?.body.data!.telepagos.transactions.nodes.length).toBeGreaterThan(0);
    expect(recoveryMs).toBeLessThan(PROBE_INTERVAL_MS + 500);
    expect(await telepagosBreaker()).toBe('closed');
  }, 30_000);
});
