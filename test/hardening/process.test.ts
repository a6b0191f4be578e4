/**
 * The gateway as a real process (`node --import tsx src/main.ts`): graceful shutdown on SIGTERM with a
 * slow query in flight, SIGTERM to `npm start` ending the gateway below npm, shutdown that ends even
 * when nobody reads the logs, and configuration errors that stop it with exit code 2 naming the variable.
 */
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { descendants, killGatewaysAfterAll, spawnGateway, spawnNpmScript, terminateThroughNpm } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

killGatewaysAfterAll();

describe('graceful shutdown', () => {
  it('lets a slow in-flight query finish on SIGTERM, then exits 0', async () => {
    const gateway = spawnGateway({ SHUTDOWN_GRACE_MS: '15000', LOG_LEVEL: 'info' });
    const urls = await gateway.ready();
    expect(urls.telepagos).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // TelePagos answers its balance after 1.5 s.
    const fault = await request(`${urls.telepagos}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'GET /v2/account/balance', mode: 'latency', latencyMs: 1500 }),
    });
    expect(fault.statusCode).toBeLessThan(300);
    await fault.body.dump();

    const answer = request(urls.graphql, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ account(provider: TELEPAGOS) { balance { amount currency } } }' }),
    }).then(async (response) => ({ status: response.statusCode, body: JSON.parse(await response.body.text()) }));

    // SIGTERM once the balance call is in flight at the provider.
    await waitFor('the balance call to reach TelePagos', async () => {
      const stats = await request(`${urls.telepagos}/_sandbox/stats`);
      const body = (await stats.body.json()) as { counts?: Record<string, number>; requests?: Record<string, number> };
      return JSON.stringify(body).includes('GET /v2/account/balance');
    });
    expect(gateway.child.kill('SIGTERM')).toBe(true);

    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.account.balance).toEqual({ amount: expect.stringMatching(/^\d+\.\d{2}$/), currency: 'ARS' });
    const exit = await gateway.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(gateway.stdout()).toContain('shutting down');
  }, 30_000);

  it('ends the gateway when SIGTERM reaches `npm start`, not only npm (the script execs tsx, which passes it on)', async () => {
    const npm = spawnNpmScript('start', { LOG_LEVEL: 'info' });
    const { graphql } = await npm.ready(30_000);
    expect(await (await fetch(graphql.replace(/\/graphql$/, '/healthz'))).json()).toEqual({ status: 'ok' });
    // Everything npm started: tsx and the node process it runs src/main.ts in.
    const started = descendants(npm.child.pid!);
    expect(started.some((p) => p.args.includes('src/main.ts') && p.args.some((arg) => arg.includes('tsx')))).toBe(true);
    // npm ends with its child. The exit code is not checked: tsx SIGKILLs its child when the child has
    // not confirmed the signal within 30 ms, which a loaded machine can miss (the graceful exit through
    // npm is checked on `npm run start:prod`, test/deploy/production-install.test.ts).
    await terminateThroughNpm(npm, started);
  }, 60_000);
});

/**
 * Log lines the gateway writes to stdout, as fast as it will take them: webhook deliveries without a
 * body are refused with one warning line each (~200 bytes) and no provider call. Requests that do not
 * answer within a second are abandoned (a gateway blocked on its stdout would never answer).
 */
async function logTraffic(url: string, requests: number): Promise<void> {
  const agent = new Agent({ connections: 16 });
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next++;
      await request(`${url}/webhooks/telepagos`, { method: 'POST', dispatcher: agent, signal: AbortSignal.timeout(1_000) })
        .then((response) => response.body.dump())
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await agent.destroy();
}

describe('shutdown always ends', () => {
  const GRACE_MS = 2_000;
  /** What the exit may take beyond the grace period: the bounded log flush and process teardown. */
  const BOUND_MS = 3_000;

  it.each([
    // The pipe fills: the reader stops reading (a stuck log shipper). ~700 lines exceed the 64 KB pipe
    // and the reader's own buffer several times over.
    ['the stdout reader stops reading', (stdout: NodeJS.ReadableStream & { destroy(): void }) => void stdout.removeAllListeners('data').pause()],
    // EPIPE: the reader is gone (its parent went away).
    ['the stdout reader is gone', (stdout: NodeJS.ReadableStream & { destroy(): void }) => stdout.destroy()],
  ])(
    'exits within SHUTDOWN_GRACE_MS after SIGTERM when %s',
    async (_case, stopReading) => {
      const gateway = spawnGateway({ SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'debug' });
      const urls = await gateway.ready();
      const base = urls.graphql.replace(/\/graphql$/, '');
      stopReading(gateway.child.stdout!);
      await logTraffic(base, 1_500);

      // The process's own exit: `exited` also waits for stdout to end, which a stopped reader never sees.
      const processExit = new Promise((resolve) => gateway.child.once('exit', (code, signal) => resolve({ code, signal })));
      const sent = Date.now();
      expect(gateway.child.kill('SIGTERM')).toBe(true);
      const exit = await Promise.race([processExit, new Promise((resolve) => setTimeout(resolve, GRACE_MS + BOUND_MS, 'still running'))]);
      const took = Date.now() - sent;
      expect(exit, `stderr:\n${gateway.stderr()}`).toEqual({ code: 0, signal: null });
      expect(took).toBeLessThan(GRACE_MS + BOUND_MS);
    },
    40_000,
  );
});

describe('configuration errors', () => {
  it.concurrent.each([
    ['PORT', { PORT: 'abc' }],
    ['UPSTREAM_TIMEOUT_MS', { UPSTREAM_TIMEOUT_MS: '0' }],
    ['REQUEST_DEADLINE_MS', { REQUEST_DEADLINE_MS: 'soon' }],
    ['TALO_URL', { TALO_URL: 'not-a-url' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['TELEPAGOS_URL', { NODE_ENV: 'production', CLIENTS_FILE: '/etc/clients.json' }],
    ['CLIENTS_FILE', { CLIENTS_FILE: '/nonexistent/clients.json' }],
  ])('stops with exit code 2 and a message naming %s', async (variable, env) => {
    const gateway = spawnGateway(env);
    const exit = await gateway.exited;
    expect(exit.code).toBe(2);
    expect(gateway.stderr()).toMatch(new RegExp(`Configuration error: .*\\b${variable}\\b`));
    expect(gateway.stderr()).not.toContain('Pasarela gateway:');
  });

  it('names the missing variable without printing the secret that was given', async () => {
    const secret = 'hunter2-secret';
    const gateway = spawnGateway({ TELEPAGOS_URL: 'https://api.telepagos.example', TELEPAGOS_PASSWORD: secret });
    const exit = await gateway.exited;
    expect(exit.code).toBe(2);
    expect(gateway.stderr()).toMatch(/Configuration error: TELEPAGOS_USERNAME /);
    expect(gateway.stderr() + gateway.stdout()).not.toContain(secret);
    expect(gateway.stderr() + gateway.stdout()).not.toContain('hunter2');
  });
});
