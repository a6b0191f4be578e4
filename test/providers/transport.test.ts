import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamTransport, parseRetryAfter, type BreakerState, type CallEvent, type TransportOptions } from '../../src/providers/http.js';
import { ProviderError } from '../../src/providers/errors.js';
import { startEchoSandbox } from '../helpers/echo-sandbox.js';
import { call } from '../helpers/http.js';

type Sandbox = Awaited<ReturnType<typeof startEchoSandbox>>;
let sandbox: Sandbox;
const transports: UpstreamTransport[] = [];

beforeAll(async () => {
  sandbox = await startEchoSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  sandbox.reset();
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function transport(options: Partial<TransportOptions> = {}): UpstreamTransport {
  const t = new UpstreamTransport({
    provider: 'TELEPAGOS',
    baseUrl: `${sandbox.url}/api`,
    timeoutMs: 300,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  transports.push(t);
  return t;
}

async function fault(spec: Record<string, unknown>): Promise<void> {
  const response = await call(sandbox.url, 'POST', '/_sandbox/faults', { body: spec });
  expect(response.status).toBe(201);
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const echo = { method: 'GET', path: 'echo', endpoint: 'GET echo' } as const;
const createThing = { method: 'POST', path: 'things', endpoint: 'POST things', json: { name: 'x' } } as const;

describe('upstream transport', () => {
  it('sends the call under the base path with its query and request id, and parses JSON', async () => {
    const response = await transport().request({ ...echo, query: { a: 1, skip: undefined }, requestId: 'req-123' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, query: { a: '1' } });
    const [logged] = sandbox.log.list('GET /api/echo');
    expect(logged?.headers['x-request-id']).toBe('req-123');
    expect(logged?.path).toBe('/api/echo');
  });

  it('returns 4xx answers for the provider client to read, without retrying them', async () => {
    const response = await transport().request({ method: 'GET', path: 'missing', endpoint: 'GET missing' });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: true, message: 'Thing 42 not found' });
    expect(sandbox.log.count('GET /api/missing')).toBe(1);
  });

  it('an answer or a failure that follows a lost answer is marked afterLostAnswer (issue 27); a first answer is not', async () => {
    expect((await transport().request({ method: 'GET', path: 'missing', endpoint: 'GET missing' })).afterLostAnswer).toBeUndefined();
    await fault({ route: 'GET /api/missing', mode: 'status', status: 504, times: 1 });
    const replayed = await transport().request({ method: 'GET', path: 'missing', endpoint: 'GET missing' });
    expect(replayed.status).toBe(404);
    expect(replayed.afterLostAnswer).toBe(true);
    await fault({ route: 'GET /api/echo', mode: 'status', status: 503 });
    const failed = await failure(transport().request(echo));
    expect(failed.reason).toBe('SERVER_ERROR');
    expect(failed.afterLostAnswer).toBe(true);
  });

  it('a failure of a call never retried is not marked: its own answer is all there is', async () => {
    await fault({ route: 'GET /api/echo', mode: 'status', status: 503, times: 1 });
    const failed = await failure(transport().request({ ...echo, retry: 'never' }));
    expect(failed.afterLostAnswer).toBe(false);
  });

  it('retries a GET after a 5xx and succeeds', async () => {
    await fault({ route: 'GET /api/echo', mode: 'status', status: 502, times: 2 });
    const events: CallEvent[] = [];
    const response = await transport({ hooks: { onCall: (e) => events.push(e) } }).request(echo);
    expect(response.status).toBe(200);
    expect(sandbox.log.count('GET /api/echo')).toBe(3);
    expect(events.map((e) => [e.outcome, e.attempt])).toEqual([
      ['server_error', 1],
      ['server_error', 2],
      ['success', 3],
    ]);
  });

  it('gives up after the bounded retries with PROVIDER_UNAVAILABLE', async () => {
    await fault({ route: 'GET /api/echo', mode: 'status', status: 500 });
    const error = await failure(transport({ retry: { maxRetries: 2, baseDelayMs: 1 } }).request(echo));
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.reason).toBe('SERVER_ERROR');
    expect(error.httpStatus).toBe(500);
    expect(sandbox.log.count('GET /api/echo')).toBe(3);
  });

  it('never retries a POST, whatever happens', async () => {
    for (const spec of [{ mode: 'status', status: 503 }, { mode: 'reset' }, { mode: 'hang' }, { mode: 'rate-limit', retryAfterSeconds: 0 }]) {
      sandbox.reset();
      await fault({ route: 'POST /api/things', ...spec, times: 1 });
      await failure(transport().request(createThing));
      expect(sandbox.log.count('POST /api/things'), spec.mode).toBe(1);
    }
  });

  it('retries a POST marked replayable, sending the same body again', async () => {
    await fault({ route: 'POST /api/things', mode: 'status', status: 503, times: 1 });
    const response = await transport().request({ ...createThing, retry: 'replayable' });
    expect(response.body).toEqual({ ok: true, id: 1 });
    const sent = sandbox.log.list('POST /api/things').map((r) => r.body);
    expect(sent).toEqual([{ name: 'x' }, { name: 'x' }]);
  });

  it("spends a hung GET's budget once: one attempt, TIMEOUT after the budget, not the budget per retry", async () => {
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    const events: CallEvent[] = [];
    const started = performance.now();
    const error = await failure(transport({ timeoutMs: 300, retry: { maxRetries: 2 }, hooks: { onCall: (e) => events.push(e) } }).request(echo));
    const elapsed = performance.now() - started;
    expect([error.code, error.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'TIMEOUT']);
    expect(events.map((e) => e.outcome)).toEqual(['timeout']);
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(600); // three attempts of their own 300 ms would take 900
  });

  it('retries within the budget: slow failures stop when the budget runs out', async () => {
    // Each attempt fails after 150 ms; the budget of 400 ms has room for the third only in part.
    await fault({ route: 'GET /api/echo', mode: 'status', status: 502, latencyMs: 150 });
    const events: CallEvent[] = [];
    const started = performance.now();
    const error = await failure(
      transport({ timeoutMs: 400, retry: { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1 }, hooks: { onCall: (e) => events.push(e) } }).request(echo),
    );
    const elapsed = performance.now() - started;
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    // Two failed attempts and a third cut short, or, on a slow machine, one failure and a second cut
    // short: either way the budget ended the call, never the six attempts allowed (6 × 150 ms = 900 ms).
    const outcomes = events.map((e) => e.outcome);
    expect(outcomes.at(-1)).toBe('timeout');
    expect(outcomes.slice(0, -1)).toEqual(outcomes.length === 3 ? ['server_error', 'server_error'] : ['server_error']);
    expect(elapsed).toBeLessThan(850);
  });

  it('reports a timeout as PROVIDER_UNAVAILABLE/TIMEOUT when retries run out', async () => {
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    const error = await failure(transport({ timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } }).request(echo));
    expect([error.code, error.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'TIMEOUT']);
  });

  it('treats a connection reset as a network failure, retried for GETs', async () => {
    await fault({ route: 'GET /api/echo', mode: 'reset', times: 1 });
    const events: CallEvent[] = [];
    await transport({ hooks: { onCall: (e) => events.push(e) } }).request(echo);
    expect(events.map((e) => e.outcome)).toEqual(['network', 'success']);

    await fault({ route: 'GET /api/echo', mode: 'reset' });
    const error = await failure(transport({ retry: { maxRetries: 0 } }).request(echo));
    expect([error.code, error.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'NETWORK']);
  });

  it('waits as long as Retry-After says on 429, then retries', async () => {
    await fault({ route: 'GET /api/echo', mode: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    const delays: number[] = [];
    const response = await transport({ timeoutMs: 3_000, hooks: { onRetry: (e) => delays.push(e.delayMs) } }).request(echo);
    expect(response.status).toBe(200);
    expect(delays).toEqual([1000]);
  });

  it("does not wait for a Retry-After that outlasts the call's budget: RATE_LIMITED at once", async () => {
    await fault({ route: 'GET /api/echo', mode: 'rate-limit', retryAfterSeconds: 1 });
    const started = performance.now();
    const error = await failure(transport({ timeoutMs: 500 }).request(echo));
    expect([error.code, error.reason, error.retryAfterMs]).toEqual(['PROVIDER_UNAVAILABLE', 'RATE_LIMITED', 1000]);
    expect(performance.now() - started).toBeLessThan(500);
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
  });

  it('stops waiting for a retry at once when the caller cancels', async () => {
    await fault({ route: 'GET /api/echo', mode: 'status', status: 503, retryAfterSeconds: 2 });
    const controller = new AbortController();
    const pending = transport({ timeoutMs: 5_000 }).request({ ...echo, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    expect((await failure(pending)).reason).toBe('CANCELLED');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
  });

  it('does not wait for a Retry-After longer than allowed: RATE_LIMITED with the hint', async () => {
    await fault({ route: 'GET /api/echo', mode: 'rate-limit', retryAfterSeconds: 60 });
    const error = await failure(transport({ retry: { maxRetryAfterMs: 5_000 } }).request(echo));
    expect([error.code, error.reason, error.retryAfterMs]).toEqual(['PROVIDER_UNAVAILABLE', 'RATE_LIMITED', 60_000]);
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
  });

  it('honours Retry-After on a 503 too', async () => {
    await fault({ route: 'GET /api/echo', mode: 'status', status: 503, retryAfterSeconds: 0, times: 1 });
    const delays: number[] = [];
    await transport({ hooks: { onRetry: (e) => delays.push(e.delayMs) } }).request(echo);
    expect(delays).toEqual([0]);
  });

  it('stops at once, without retrying, when the caller cancels', async () => {
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    const controller = new AbortController();
    const pending = transport({ timeoutMs: 5_000 }).request({ ...echo, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error.reason).toBe('CANCELLED');
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
  });

  it('opens the circuit after repeated failures, fails fast, then recovers through a probe', async () => {
    const states: BreakerState[] = [];
    const t = transport({
      retry: { maxRetries: 0 },
      breaker: { windowMs: 10_000, minimumCalls: 4, threshold: 0.5, halfOpenAfterMs: 200 },
      hooks: { onBreakerState: (e) => states.push(e.state) },
    });
    await fault({ route: 'GET /api/echo', mode: 'status', status: 503 });
    for (let i = 0; i < 4; i++) await failure(t.request(echo));
    expect(t.breakerState).toBe('open');

    const fast = await failure(t.request(echo));
    expect([fast.code, fast.reason]).toEqual(['PROVIDER_UNAVAILABLE', 'CIRCUIT_OPEN']);
    expect(sandbox.log.count('GET /api/echo')).toBe(4); // the open circuit sent nothing

    await call(sandbox.url, 'DELETE', '/_sandbox/faults');
    await sleep(250);
    const response = await t.request(echo);
    expect(response.status).toBe(200);
    expect(t.breakerState).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('counts a shared GET once per caller it fails: one hung GET awaited by 20 callers opens the circuit', async () => {
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    const t = transport({ timeoutMs: 200, breaker: { windowMs: 5_000, minimumCalls: 10, threshold: 0.5, halfOpenAfterMs: 5_000 } });
    const errors = await Promise.all(Array.from({ length: 20 }, () => failure(t.request(echo))));
    expect(errors.map((e) => e.reason)).toEqual(Array(20).fill('TIMEOUT'));
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
    expect(t.breakerState).toBe('open');
    const started = performance.now();
    expect((await failure(t.request(echo))).reason).toBe('CIRCUIT_OPEN');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("counts a shared GET's successes per caller too, so they weigh as much as its failures", async () => {
    await fault({ route: 'GET /api/echo', mode: 'latency', latencyMs: 50 });
    const t = transport({ timeoutMs: 200, breaker: { windowMs: 5_000, minimumCalls: 10, threshold: 0.5 } });
    await Promise.all(Array.from({ length: 20 }, () => t.request(echo)));
    sandbox.reset();
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    // 15 failures against 20 successes: under half, so the circuit stays closed.
    await Promise.all(Array.from({ length: 15 }, () => failure(t.request(echo))));
    expect(t.breakerState).toBe('closed');
  });

  it('while the probe is out, every other call fails fast instead of waiting for it; a failed probe reopens', async () => {
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    const states: BreakerState[] = [];
    const t = transport({
      timeoutMs: 300,
      breaker: { windowMs: 5_000, minimumCalls: 4, threshold: 0.5, halfOpenAfterMs: 100 },
      hooks: { onBreakerState: (e) => states.push(e.state) },
    });
    await Promise.all(Array.from({ length: 4 }, () => failure(t.request(echo))));
    expect(t.breakerState).toBe('open');
    await sleep(150);
    const probe = failure(t.request(echo));
    expect(t.breakerState).toBe('half_open');
    const started = performance.now();
    const others = await Promise.all(Array.from({ length: 5 }, () => failure(t.request(echo))));
    expect(performance.now() - started).toBeLessThan(50);
    expect(others.map((e) => e.reason)).toEqual(Array(5).fill('CIRCUIT_OPEN'));
    expect((await probe).reason).toBe('TIMEOUT');
    expect(t.breakerState).toBe('open');
    expect(states).toEqual(['open', 'half_open', 'open']);
    expect(sandbox.log.count('GET /api/echo')).toBe(2); // the shared GET and the probe
  });

  it('does not count client errors or rate limits against the circuit', async () => {
    const t = transport({ retry: { maxRetries: 0 }, breaker: { windowMs: 10_000, minimumCalls: 2, threshold: 0.5 } });
    for (let i = 0; i < 3; i++) await t.request({ method: 'GET', path: 'missing', endpoint: 'GET missing' });
    await fault({ route: 'GET /api/echo', mode: 'rate-limit', retryAfterSeconds: 60 });
    for (let i = 0; i < 3; i++) await failure(t.request(echo));
    expect(t.breakerState).toBe('closed');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('in-flight de-duplication', () => {
  it('shares one upstream GET among identical concurrent calls', async () => {
    await fault({ route: 'GET /api/echo', mode: 'latency', latencyMs: 100 });
    const t = transport();
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.request({ ...echo, query: { q: 'same' } })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
  });

  it('keeps calls with other queries or other credentials apart', async () => {
    await fault({ route: 'GET /api/echo', mode: 'latency', latencyMs: 100 });
    const t = transport();
    await Promise.all([
      t.request({ ...echo, query: { q: 'a' } }),
      t.request({ ...echo, query: { q: 'b' } }),
      t.request({ ...echo, query: { q: 'a' }, headers: { authorization: 'Bearer other' } }),
    ]);
    expect(sandbox.log.count('GET /api/echo')).toBe(3);
  });

  it('lets one caller cancel without cancelling the others', async () => {
    await fault({ route: 'GET /api/echo', mode: 'latency', latencyMs: 150 });
    const t = transport();
    const controller = new AbortController();
    const cancelled = t.request({ ...echo, signal: controller.signal });
    const kept = t.request(echo);
    setTimeout(() => controller.abort(), 30);
    expect((await failure(cancelled)).reason).toBe('CANCELLED');
    expect((await kept).status).toBe(200);
    expect(sandbox.log.count('GET /api/echo')).toBe(1);
  });

  it('cancels the shared call once every waiter has gone', async () => {
    await fault({ route: 'GET /api/echo', mode: 'hang' });
    const events: CallEvent[] = [];
    const t = transport({ timeoutMs: 10_000, hooks: { onCall: (e) => events.push(e) } });
    const controllers = [new AbortController(), new AbortController()];
    const calls = controllers.map((c) => t.request({ ...echo, signal: c.signal }));
    setTimeout(() => controllers.forEach((c) => c.abort()), 30);
    for (const c of calls) expect((await failure(c)).reason).toBe('CANCELLED');
    await sleep(20);
    expect(events.map((e) => e.outcome)).toEqual(['cancelled']);
  });

  it('refuses at once a caller whose signal has already fired, without sending anything', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(transport().request({ ...echo, signal: controller.signal }));
    expect(error.reason).toBe('CANCELLED');
    expect(sandbox.log.count('GET /api/echo')).toBe(0);
  });

  it('never shares POSTs', async () => {
    await fault({ route: 'POST /api/things', mode: 'latency', latencyMs: 50 });
    const t = transport();
    await Promise.all([t.request(createThing), t.request(createThing)]);
    expect(sandbox.log.count('POST /api/things')).toBe(2);
  });
});
