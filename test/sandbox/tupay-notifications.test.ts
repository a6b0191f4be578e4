/** Tupay sandbox conformance: signed `{ deposit_id }` notifications to a local receiver, with retries. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { tupaySignature, verifyTupaySignature } from '../../src/providers/tupay/assumptions.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import type { TupayState } from '../../src/sandbox/tupay/index.js';
import { eventually, startFixture } from './tupay-support.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}

/** A merchant endpoint: records every request and answers the next queued status (then 200). */
class Receiver {
  readonly received: Received[] = [];
  readonly statuses: number[] = [];
  private readonly server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      this.received.push({ headers: request.headers, raw });
      response.writeHead(this.statuses.shift() ?? 200).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/tupay`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Waits for the `count`-th request. */
  nth(count: number): Promise<Received> {
    return eventually(() => this.received[count - 1]);
  }
}

const { webhookLogin, webhookSecret } = SANDBOX_CREDENTIALS.tupay;

function expectSigned(received: Received, login: string = webhookLogin, secret: string = webhookSecret): void {
  const date = String(received.headers['x-date']);
  expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(received.headers['x-login']).toBe(login);
  expect(received.headers['content-type']).toBe('application/json');
  expect(received.headers.authorization).toBe(`TUPAY ${tupaySignature(date, login, received.raw, secret)}`);
  expect(verifyTupaySignature(String(received.headers.authorization), date, login, received.raw, secret)).toBe(true);
  expect(verifyTupaySignature(String(received.headers.authorization), date, login, `${received.raw} `, secret)).toBe(false);
}

let sandbox: RunningSandbox<TupayState>;
let receiver: Receiver;
let receiverUrl: string;

beforeAll(async () => {
  receiver = new Receiver();
  receiverUrl = await receiver.start();
  sandbox = await startFixture({ days: 3, notifier: { baseDelayMs: 10, factor: 1 } });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(async () => {
  receiver.received.length = 0;
  await call(sandbox.url, 'PUT', '/_sandbox/webhook', { body: { url: receiverUrl } });
});

const createDeposit = () => call(sandbox.url, 'POST', '/_sandbox/deposits', { body: { amount: 42 } });
const setStatus = (id: number, status: string) => call(sandbox.url, 'POST', `/_sandbox/deposits/${id}/status`, { body: { status } });

describe('deposit notifications', () => {
  it('notifies creation and each status change with a signed { deposit_id }', async () => {
    const { body: deposit } = await createDeposit();
    const created = await receiver.nth(1);
    expect(JSON.parse(created.raw)).toEqual({ deposit_id: deposit.idDeposit });
    expectSigned(created);

    await setStatus(deposit.idDeposit, 'COMPLETED');
    const changed = await receiver.nth(2);
    expect(changed.raw).toBe(JSON.stringify({ deposit_id: deposit.idDeposit }));
    expectSigned(changed);
  });

  it('sends nothing when the status does not change', async () => {
    const { body: deposit } = await createDeposit();
    await receiver.nth(1);
    expect((await setStatus(deposit.idDeposit, 'PENDING')).status).toBe(200);
    await setStatus(deposit.idDeposit, 'DECLINED');
    await receiver.nth(2);
    const { body } = await call(sandbox.url, 'GET', '/_sandbox/webhooks');
    expect(body.deliveries.filter((d: any) => d.body.deposit_id === deposit.idDeposit)).toHaveLength(2);
  });

  it('retries after a 500 with the same signed body', async () => {
    receiver.statuses.push(500);
    const { body: deposit } = await createDeposit();
    const [first, retry] = [await receiver.nth(1), await receiver.nth(2)];
    expect(retry.raw).toBe(first.raw);
    expectSigned(retry);
    const { body } = await call(sandbox.url, 'GET', '/_sandbox/webhooks');
    const delivery = body.deliveries.find((d: any) => d.body.deposit_id === deposit.idDeposit);
    expect(delivery.state).toBe('delivered');
    expect(delivery.attempts.map((a: any) => a.status)).toEqual([500, 200]);
  });

  it('resends on demand (Tupay may notify more than once)', async () => {
    const { body: deposit } = await createDeposit();
    await receiver.nth(1);
    expect((await call(sandbox.url, 'POST', `/_sandbox/deposits/${deposit.idDeposit}/notify`)).status).toBe(202);
    expect((await receiver.nth(2)).raw).toBe((await receiver.nth(1)).raw);
  });

  it('sends nothing without a notification URL', async () => {
    await call(sandbox.url, 'PUT', '/_sandbox/webhook', { body: { url: null } });
    const before = (await call(sandbox.url, 'GET', '/_sandbox/webhooks')).body.deliveries.length;
    const { body: deposit } = await createDeposit();
    await setStatus(deposit.idDeposit, 'COMPLETED');
    expect((await call(sandbox.url, 'POST', `/_sandbox/deposits/${deposit.idDeposit}/notify`)).status).toBe(409);
    expect((await call(sandbox.url, 'GET', '/_sandbox/webhooks')).body.deliveries.length).toBe(before);
    expect((await call(sandbox.url, 'PUT', '/_sandbox/webhook', { body: { url: 'not a url' } })).status).toBe(400);
  });
});

describe('notification options', () => {
  it('takes the URL, X-Login and secret from webhookUrl, webhookLogin and webhookSecret', async () => {
    const custom = await startFixture({ days: 1, webhookUrl: receiverUrl, webhookLogin: 'merchant-7', webhookSecret: 's3cret' });
    try {
      await call(custom.url, 'POST', '/_sandbox/deposits', { body: { amount: 5 } });
      expectSigned(await receiver.nth(1), 'merchant-7', 's3cret');
    } finally {
      await custom.close();
    }
  });
});
