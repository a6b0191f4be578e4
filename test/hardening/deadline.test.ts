/**
 * The overall request deadline (REQUEST_DEADLINE_MS): a provider that never answers cannot hold a
 * GraphQL request longer than the deadline, even when the per-call timeout is much longer.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

describe('request deadline', () => {
  // The per-attempt timeout (60 s) would hang the test: only the 300 ms deadline can end the request.
  const gw = useTestGateway({ env: { REQUEST_DEADLINE_MS: '300', UPSTREAM_TIMEOUT_MS: '60000' } });

  it('answers a query whose provider hangs with an error instead of hanging', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'hang' });
    const response = await request(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ account(provider: TELEPAGOS) { balance { amount } } }' }),
      // A bounded wait, far above the deadline: a hang fails here instead of at the test timeout.
      signal: AbortSignal.timeout(10_000),
    });
    const body = JSON.parse(await response.body.text());
    expect(response.statusCode).toBe(200);
    expect(body.data?.account?.balance ?? null).toBeNull();
    expect(body.errors?.[0]?.path).toEqual(['account', 'balance']);
    expect(body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(body.errors?.[0]?.extensions?.provider).toBe('TELEPAGOS');
    // The provider was asked (the hang was real), and the gateway keeps serving afterwards.
    expect(gw().sandboxes.telepagos.log.count('GET /v2/account/balance')).toBeGreaterThan(0);
    gw().clearLogs();
    const after = await gw().query('{ account(provider: TELEPAGOS) { balance { amount } } }');
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.account.balance.amount).toMatch(/^\d+\.\d{2}$/);
  });
});

describe('a client that leaves', () => {
  // Neither the deadline nor the per-attempt timeout can end the upstream call within the test.
  const gw = useTestGateway({ env: { REQUEST_DEADLINE_MS: '60000', UPSTREAM_TIMEOUT_MS: '60000' } });

  it('cancels the upstream call made for it', async () => {
    gw().sandboxes.telepagos.faults.add({ route: 'GET /v2/account/balance', mode: 'hang' });
    const leave = new AbortController();
    const sent = request(`${gw().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ account(provider: TELEPAGOS) { balance { amount } } }' }),
      signal: leave.signal,
    });
    // Leave once the provider has the call.
    const until = async (check: () => Promise<boolean> | boolean) => {
      for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      return check();
    };
    expect(await until(() => gw().sandboxes.telepagos.log.count('GET /v2/account/balance') > 0)).toBe(true);
    leave.abort();
    await expect(sent).rejects.toThrow();
    const cancelled = async () => {
      const metrics = await (await request(`${gw().url}/metrics`)).body.text();
      return /pasarela_upstream_calls_total\{[^}]*endpoint="GET v2\/account\/balance"[^}]*outcome="cancelled"[^}]*\} [1-9]/.test(metrics);
    };
    expect(await until(cancelled)).toBe(true);
  });
});
