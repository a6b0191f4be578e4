/**
 * The tour's subscription demo (docs/tour.md, "Live payment events"), end to end, wired as `npm start`
 * wires its embedded sandboxes: the tour's subscription (over graphql-ws, as docs/subscriptions.md's
 * client code does, and with `npm run gql`), the tour's settle command (the payment's global id, as the
 * API shows it), and the event that must arrive because the seeded payment notifies the gateway.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/http.js';
import { pointSandboxNotificationsAt } from '../../src/embedded.js';
import type { MemoryEventBus } from '../../src/events/bus.js';
import { blocksOf } from './blocks.js';
import { BashSession } from './session.js';

const ROOT = process.cwd();
const TOUR = 'docs/tour.md';
const tour = blocksOf(ROOT, TOUR);
const subscriptionBlock = tour.find((b) => b.kind === 'graphql' && /^\s*subscription\b/.test(b.code) && b.code.includes('provider: TALO'));
const settleBlock = tour.find((b) => b.kind === 'shell' && /\/_sandbox\/payments\/\S+\/settle/.test(b.code));
const SEEDED_PENDING = 'VAR-4fd4ed0b-b2f8-48f2-9b2c-bd3487106c41';
const globalId = (local: string) => Buffer.from(`Payment:TALO:${local}`).toString('base64url');

let gw: TestGateway;
const subscribers = () => (gw.gateway.events as MemoryEventBus).subscriberCount;

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The tour's settle block, run in bash with the sandbox's real port. */
async function runSettleBlock(): Promise<string> {
  const shell = new BashSession(ROOT, process.env);
  try {
    const code = settleBlock!.code.replace(/\b(?:localhost|127\.0\.0\.1):4102\b/g, `127.0.0.1:${new URL(gw.sandboxes.talo.url).port}`);
    const run = await shell.run(code, 30_000);
    expect(run.failures, run.output).toEqual([]);
    return run.output;
  } finally {
    shell.close();
  }
}

describe('the subscription demo of the tour (docs/tour.md)', () => {
  beforeAll(async () => {
    gw = await startTestGateway({ publicUrlIsGateway: true });
    await pointSandboxNotificationsAt(gw.config, gw.sandboxes);
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
  });

  it('the tour shows a subscription and a settle command with the global id of the seeded pending payment', () => {
    expect(subscriptionBlock).toBeDefined();
    expect(settleBlock?.code).toContain(`/_sandbox/payments/${globalId(SEEDED_PENDING)}/settle`);
  });

  it('settling as the tour shows delivers a PAYMENT_UPDATED event to the tour subscription', async () => {
    const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const events: any[] = [];
    const errors: unknown[] = [];
    const before = subscribers();
    const stop = client.subscribe(
      { query: subscriptionBlock!.code },
      { next: (r) => (r.errors ? errors.push(r.errors) : events.push(r.data)), error: (e) => errors.push(e), complete: () => undefined },
    );
    await until(() => subscribers() > before, 10_000);
    expect(subscribers()).toBeGreaterThan(before);

    const output = await runSettleBlock();
    expect(output).toContain('HTTP 201');
    await until(() => events.length > 0 || errors.length > 0, 10_000);
    stop();
    await client.dispose();

    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0].paymentEvents).toMatchObject({
      type: 'PAYMENT_UPDATED',
      payment: { id: globalId(SEEDED_PENDING), status: 'SUCCESS', amountReceived: { amount: '1500.00' } },
    });
    // The notification went to the gateway's own Talo webhook URL, and was accepted.
    const { body } = await call(gw.sandboxes.talo.url, 'GET', '_sandbox/webhooks');
    const delivery = body.deliveries.find((d: any) => d.body.paymentId === SEEDED_PENDING);
    expect(delivery.url).toMatch(new RegExp(`^${gw.url}/webhooks/talo/[A-Za-z0-9_-]{32}$`));
    expect(delivery.attempts.map((a: any) => a.status)).toEqual([200]);
  });

  it('`npm run gql` subscribes too: it prints the event and exits 0 after --count 1', async () => {
    // A fresh seeded payment still pending: the third one is UNDERPAID, settle pays the rest.
    const underpaid = [...gw.sandboxes.talo.state.payments.values()].find((p) => p.status === 'UNDERPAID')!;
    const before = subscribers();
    const child = spawn('npm', ['run', '-s', 'gql', '--', '--count', '1', '--timeout', '30'], {
      cwd: ROOT,
      env: { ...process.env, GQL_URL: `${gw.url}/graphql` },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end(subscriptionBlock!.code);
    // 'close', not 'exit': on 'exit' the end of its stdout may still be in the pipe.
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until(() => subscribers() > before, 20_000);
    expect(subscribers()).toBeGreaterThan(before);

    const settled = await call(gw.sandboxes.talo.url, 'POST', `_sandbox/payments/${globalId(underpaid.id)}/settle`);
    expect(settled.status).toBe(201);
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout).data.paymentEvents).toMatchObject({ type: 'PAYMENT_UPDATED', payment: { id: globalId(underpaid.id), status: 'SUCCESS' } });
  }, 40_000);

  it("the control routes take Talo's own id and the global id alike; another type's global id is unknown", async () => {
    const expired = [...gw.sandboxes.talo.state.payments.values()].find((p) => p.status === 'EXPIRED')!;
    expect((await call(gw.sandboxes.talo.url, 'GET', `_sandbox/payments/${expired.id}`)).body.payment.id).toBe(expired.id);
    expect((await call(gw.sandboxes.talo.url, 'GET', `_sandbox/payments/${globalId(expired.id)}`)).body.payment.id).toBe(expired.id);
    const cashoutId = Buffer.from(`Cashout:TELEPAGOS:${expired.id}`).toString('base64url');
    expect((await call(gw.sandboxes.talo.url, 'GET', `_sandbox/payments/${cashoutId}`)).status).toBe(404);
    expect((await call(gw.sandboxes.talo.url, 'PUT', '_sandbox/webhook', { body: { url: 'not a url' } })).status).toBe(400);
  });
});
