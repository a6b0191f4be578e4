/** Talo client over real HTTP: what a flaky Talo does to it, through the sandbox's fault modes. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import type { TaloClientOptions } from '../../src/providers/talo/client.js';
import { ROUTES, failure, paymentInput, useTaloSandbox } from './talo-client-fixture.js';

describe('Talo client: faults', () => {
  const talo = useTaloSandbox();
  const gets = () => talo.sandbox.log.count(ROUTES.get);
  const posts = () => talo.sandbox.log.count(ROUTES.create);

  /** A client with its token and a payment ready, and an empty request log. */
  async function ready(options: Partial<TaloClientOptions> = {}) {
    const client = talo.client(options);
    const { id } = await client.createPayment(paymentInput());
    talo.sandbox.log.clear();
    return { client, id };
  }

  it('timeout: a hung read is PROVIDER_UNAVAILABLE/TIMEOUT once its budget is spent (no retry after it)', async () => {
    // A budget a token request and a payment creation fit in on a loaded machine, which the hung read then spends.
    const { client, id } = await ready({ timeoutMs: 400 });
    await talo.fault({ route: ROUTES.get, mode: 'hang' });
    const error = await failure(client.getPayment(id));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'TIMEOUT', endpoint: 'GET payments/{id}' });
    expect(gets()).toBe(1);
  });

  it('5xx: PROVIDER_UNAVAILABLE/SERVER_ERROR once retries run out; a single 503 is absorbed', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'status', status: 500, times: 3 });
    expect(await failure(client.getPayment(id))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'SERVER_ERROR', httpStatus: 500 });
    expect(gets()).toBe(3);

    await talo.fault({ route: ROUTES.get, mode: 'status', status: 503, times: 1 });
    expect((await client.getPayment(id)).id).toBe(id);
    expect(gets()).toBe(5);
  });

  it('reset: PROVIDER_UNAVAILABLE/NETWORK', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'reset' });
    expect(await failure(client.getPayment(id))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'NETWORK' });
    expect(gets()).toBe(3);
  });

  it('429: a read is retried after a short Retry-After', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'rate-limit', retryAfterSeconds: 0, times: 1 });
    expect((await client.getPayment(id)).id).toBe(id);
    expect(gets()).toBe(2);
  });

  it('429: RATE_LIMITED at once when Talo asks for a longer wait than allowed', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'rate-limit', retryAfterSeconds: 60, times: 1 });
    const error = await failure(client.getPayment(id));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'RATE_LIMITED', httpStatus: 429, retryAfterMs: 60_000 });
    expect(gets()).toBe(1);
  });

  it('error body with 200: PROVIDER_ERROR/REJECTED with a safe message, not retried', async () => {
    const { client, id } = await ready();
    const message = 'Cuenta 0000630500000060195375 bloqueada';
    await talo.fault({ route: ROUTES.get, mode: 'error-body', status: 200, message, times: 1 });
    const error = await failure(client.getPayment(id));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', reason: 'REJECTED', httpStatus: 200, providerMessage: 'Cuenta ******************5375 bloqueada' });
    expect(gets()).toBe(1);
  });

  it.each([
    ['503', { mode: 'status', status: 503 }, 'SERVER_ERROR'],
    ['a timeout', { mode: 'hang' }, 'TIMEOUT'],
    ['a reset', { mode: 'reset' }, 'NETWORK'],
    ['429 with a short Retry-After', { mode: 'rate-limit', retryAfterSeconds: 0 }, 'RATE_LIMITED'],
  ])('createPayment after %s: exactly one POST, never retried', async (_case, spec, reason) => {
    const { client } = await ready({ timeoutMs: 100 });
    await talo.fault({ route: ROUTES.create, times: 1, ...spec });
    expect(await failure(client.createPayment(paymentInput()))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason });
    expect(posts()).toBe(1);
  });

  it('honours the caller going away: CANCELLED, no retry', async () => {
    const { client, id } = await ready();
    await talo.fault({ route: ROUTES.get, mode: 'hang' });
    const controller = new AbortController();
    const pending = failure(client.getPayment(id, { signal: controller.signal }));
    while (gets() === 0) await sleep(5);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'CANCELLED' });
    expect(gets()).toBe(1);
  });

  it('opens the circuit under repeated failures, fails fast, then recovers', async () => {
    const { client, id } = await ready({
      retry: { maxRetries: 0 },
      breaker: { windowMs: 10_000, minimumCalls: 4, threshold: 0.5, halfOpenAfterMs: 200 },
    });
    await talo.fault({ route: ROUTES.get, mode: 'status', status: 500 });
    const reasons: string[] = [];
    for (let i = 0; i < 6; i++) reasons.push((await failure(client.getPayment(id))).reason);
    expect(reasons.slice(-2)).toEqual(['CIRCUIT_OPEN', 'CIRCUIT_OPEN']);
    expect(client.breakerState).toBe('open');
    const sent = gets();
    expect(sent).toBeLessThan(6);

    await call(talo.sandbox.url, 'DELETE', '/_sandbox/faults');
    await sleep(250);
    expect((await client.getPayment(id)).id).toBe(id);
    expect(client.breakerState).toBe('closed');
    expect(gets()).toBe(sent + 1);
  });
});
