/**
 * A new user's first hour with `npm start` (issue 31): the gateway as a real process on its built-in
 * sandboxes. A taken port is one line naming PORT, not a stack trace; stdout carries only JSON log lines
 * (the banner is on stderr, its facts also a log line); and the README's flows — reads of every
 * provider, both money-moving examples, a Talo payment settled at the sandbox — raise no wire surprise:
 * the sandboxes answer what the clients expect.
 */
import { createServer, type Server } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGatewaysAfterAll, spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

killGatewaysAfterAll();

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('a port already taken', () => {
  let blocker: { server: Server; port: number };
  beforeAll(async () => {
    blocker = await occupiedPort();
  });
  afterAll(() => new Promise<void>((resolve) => blocker.server.close(() => resolve())));

  it('stops with exit code 2 and one line naming PORT, no stack trace', async () => {
    const gateway = spawnGateway({ PORT: String(blocker.port), HOST: '127.0.0.1' });
    const exit = await gateway.exited;
    expect(exit.code).toBe(2);
    const stderr = gateway.stderr();
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^Configuration error: PORT ${blocker.port} is already in use on 127\\.0\\.0\\.1\\b.*set PORT to a free port, e\\.g\\. PORT=\\d+`),
      ),
    ]);
    expect(stderr).not.toMatch(/EADDRINUSE|^\s+at /m);
    expect(stderr).not.toContain('Pasarela gateway:');
  }, 30_000);
});

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const month = new Date().toISOString().slice(0, 7);

/** The README's reads, with dates around today (the built-in sandboxes' data is around their clock). */
const README_READS = [
  '{ accounts { id provider balance { amount currency } balances { amount currency } } }',
  `{ account(provider: TELEPAGOS) { transactions(from: "${day(30)}", to: "${day(0)}", first: 20) {
      totalCount nodes { id createdAt kind direction amount { amount currency } status providerStatus counterparty { name cuit cbu } salePoint { name } } } } }`,
  `{ account(provider: TUPAY) {
      transactions(from: "${day(120)}", to: "${day(0)}") { totalCount nodes { amount { amount currency } operation counterparty { document } } }
      balanceReport(from: "${day(7)}", to: "${day(0)}") { date balance { amount currency } } } }`,
  `{ activity(from: "${day(30)}", to: "${day(0)}", first: 50) { partial nodes { id provider createdAt kind direction amount { amount currency } status } } }`,
  `{ activitySummary(from: "${day(30)}", to: "${day(0)}", groupBy: WEEK) { partial buckets { start currency count totalIn { amount } totalOut { amount } net { amount } } } }`,
  '{ salePoints { id name status staticQr(amountType: OPEN) } }',
  `{ paymentConcepts { id description } transactionOperations { id name type } statistics(period: "${month}") {
      period openCvuCount totalCashin totalCashout paymentServicesCount smsSentCount } }`,
  '{ cashin(id: "500001") { id amount { amount currency } concept buyer { cuit cbu } } }',
];

const MOVE_MONEY = `mutation {
  createCashout(input: { referenceId: "first-hour-${process.pid}", alias: "pasarela.demo", cuit: "20-12345678-6",
                         amount: "1500.50", concept: "VAR", description: "Pago factura 0001" }) {
    cashout { id voucher }
    userErrors { field message code }
  }
  createPayment(input: { price: { amount: "1500", currency: ARS }, externalId: "order-1",
                         redirectUrl: "https://shop.example/done", motive: "2 calendarios" }) {
    payment { id status transferDestinations { cvu alias } paymentUrl }
    userErrors { field message code }
  }
}`;

const PAYMENT = 'query($id: ID!) { payment(id: $id) { id status amount { amount } amountReceived { amount } transferDestinations { cvu alias } } }';

describe('the README on the built-in sandboxes', () => {
  let gateway: GatewayProcess;
  let urls: Awaited<ReturnType<GatewayProcess['ready']>>;
  beforeAll(async () => {
    gateway = spawnGateway({ LOG_LEVEL: 'info' });
    urls = await gateway.ready(30_000);
  }, 40_000);

  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await request(urls.graphql, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.body.json()) as { data?: any; errors?: unknown[] };
  };

  it('prints the banner on stderr and only JSON log lines on stdout, the address also as a log line', () => {
    expect(gateway.stderr()).toMatch(/Pasarela gateway: http:\/\/\S+\/graphql[\s\S]*Embedded provider sandboxes[\s\S]*\nTry:\n/);
    const lines = gateway
      .stdout()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const listening = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'listening');
    expect(listening).toMatchObject({ url: urls.graphql, sandboxes: { telepagos: urls.telepagos, talo: urls.talo, tupay: urls.tupay } });
  });

  it('runs the reads, moves money and settles a Talo payment without a single wire surprise', async () => {
    for (const query of README_READS) expect((await graphql(query)).errors, query).toBeUndefined();

    const moved = await graphql(MOVE_MONEY);
    expect(moved.errors).toBeUndefined();
    expect(moved.data.createCashout.userErrors).toEqual([]);
    expect(moved.data.createPayment.userErrors).toEqual([]);
    const { id } = moved.data.createPayment.payment as { id: string };

    // Paid at Talo's sandbox (its control route takes the global id): the gateway reads it back settled,
    // its amount received the sum of the payment's transactions.
    const settled = await request(`${urls.talo}/_sandbox/payments/${id}/settle`, { method: 'POST' });
    expect(settled.statusCode).toBe(201);
    await settled.body.dump();
    const paid = await waitFor('the payment to read as SUCCESS', async () => {
      const answer = await graphql(PAYMENT, { id });
      return answer.data?.payment?.status === 'SUCCESS' ? answer : undefined;
    });
    expect(paid.errors).toBeUndefined();
    expect(paid.data.payment.amountReceived).toEqual({ amount: '1500.00' });

    // Nothing the sandboxes answered differed from what the clients expect: no log line, no count.
    expect(gateway.stdout()).not.toContain('provider answer differs');
    const metrics = await (await request(urls.graphql.replace(/\/graphql$/, '/metrics'))).body.text();
    expect(metrics.split('\n').filter((line) => line.startsWith('pasarela_provider_wire_surprises_total{'))).toEqual([]);
  }, 60_000);
});
