/**
 * Proof that a provider plugs in through the capability seams: a fourth, test-only provider ("Cuarta",
 * its adapter, its notification handler and its sandbox in this folder) is added with `addProvider`,
 * `addNotifier` and `addSandbox` (its sandbox then starts and stops with the built-in ones) before the
 * gateway is built, and `accounts`, `account(provider:)`, `node(id:)`,
 * `Account.transactions` and POST /webhooks/cuarta (through the generic pipeline into `events`) serve it
 * with no gateway file naming it. The public schema is untouched: the enum value exists only in this test's process
 * (vitest runs each file in a fork of its own; schema.graphql is checked by test/contract/schema.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addNotifier } from '../../src/providers/notifiers.js';
import { addSandbox } from '../../src/providers/sandboxes.js';
import { addProvider } from '../../src/providers/registry.js';
import { printGatewaySchema } from '../../src/schema.js';
import { useTestGateway } from '../helpers/gateway.js';
import { CUARTA, cuartaAdapter } from './adapter.js';
import { CUARTA_BALANCE_CENTS } from './server.js';
import { cuartaSandbox, cuartaServer } from './sandbox.js';
import { cuartaNotifications } from './webhook.js';

// Registered before any schema build or registry of this process. Its sandbox is started with the
// others (the list's `addSandbox`); the factory reads that sandbox's URL when the gateway starts.
addProvider(CUARTA, (config, shared) => cuartaAdapter(cuartaServer().url)(config, shared));
addNotifier(cuartaNotifications);
addSandbox('cuarta', cuartaSandbox);
const fake = cuartaServer;

const globalId = (type: string, provider: string, localId: string) => Buffer.from(`${type}:${provider}:${localId}`).toString('base64url');

describe('a fourth provider served through capabilities', () => {
  const gw = useTestGateway();

  it('needed no gateway file: nothing under src/ names it', () => {
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = readdirSync(src, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((path) => /cuarta/i.test(readFileSync(path, 'utf8')))).toEqual([]);
  });

  it('has its sandbox started by the sandbox list, with the built-in ones', () => {
    expect(Object.keys(gw().sandboxes.added)).toEqual(['cuarta']);
    expect(gw().sandboxes.added.cuarta!.url).toBe(fake().url);
  });

  it('lists its account after the built-in ones, with its balance in its home currency', async () => {
    const { body } = await gw().query('{ accounts { id provider balance { amount currency } balances { amount currency } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.accounts.map((a: { provider: string }) => a.provider)).toEqual(['TELEPAGOS', 'TUPAY', 'CUARTA']);
    const amount = (CUARTA_BALANCE_CENTS / 100).toFixed(2);
    expect(body.data.accounts[2]).toEqual({
      id: globalId('Account', 'CUARTA', 'CUARTA'),
      provider: 'CUARTA',
      balance: { amount, currency: 'USD' },
      balances: [{ amount, currency: 'USD' }],
    });
  });

  it('answers account(provider: CUARTA) and node(id:) for its account; it has no balance report', async () => {
    const id = globalId('Account', 'CUARTA', 'CUARTA');
    const { body } = await gw().query(
      `query ($id: ID!) { account(provider: CUARTA) { id provider balanceReport(from: "2026-01-01", to: "2026-01-02") { date } }
        node(id: $id) { ... on Account { provider } } }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.account).toEqual({ id, provider: 'CUARTA', balanceReport: [] });
    expect(body.data.node).toEqual({ provider: 'CUARTA' });
  });

  it('lists its transactions for days of its own time zone, newest first, filtered by the gateway', async () => {
    fake().requests.length = 0;
    const { body } = await gw().query(`{
      account(provider: CUARTA) {
        all: transactions(from: "2026-01-11", to: "2026-01-12") { totalCount nodes { provider kind direction amount { amount currency } createdAt status providerStatus } }
        out: transactions(from: "2026-01-10", to: "2026-01-12", filter: { direction: OUT }) { nodes { id } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    // Madrid's 2026-01-11 starts at 2026-01-10T23:00Z: the adapter asked for that instant, so m-2 (23:30Z) is in and m-1 is not.
    expect(fake().requests).toContain('/movements?from=2026-01-10T23:00:00.000Z&to=2026-01-12T22:59:59.999Z');
    expect(body.data.account.all).toEqual({
      totalCount: 2,
      nodes: [
        {
          provider: 'CUARTA',
          kind: 'DEPOSIT',
          direction: 'IN',
          amount: { amount: '70.00', currency: 'USD' },
          createdAt: '2026-01-12T08:00:00.000Z',
          status: 'REJECTED',
          providerStatus: 'failed',
        },
        {
          provider: 'CUARTA',
          kind: 'CASHOUT',
          direction: 'OUT',
          amount: { amount: '123.45', currency: 'USD' },
          createdAt: '2026-01-10T23:30:00.000Z',
          status: 'COMPLETED',
          providerStatus: 'ok',
        },
      ],
    });
    expect(body.data.account.out.nodes).toEqual([{ id: globalId('Transaction', 'CUARTA', 'm-2') }]);
  });

  const EVENTS = `{ events(provider: CUARTA) { nodes { provider type cashin { id provider amount { amount currency } providerStatus } } } }`;

  it('takes its signed notification through the generic pipeline: the cash-in is read from Cuarta, then published once', async () => {
    fake().requests.length = 0;
    expect(await fake().notify(gw().url, 'm-1')).toBe(200);
    expect(fake().requests).toContain('/movements/m-1');
    const published = {
      provider: 'CUARTA',
      type: 'CASHIN_RECEIVED',
      cashin: { id: globalId('Cashin', 'CUARTA', 'm-1'), provider: 'CUARTA', amount: { amount: '500.00', currency: 'USD' }, providerStatus: 'ok' },
    };
    await expect.poll(async () => (await gw().query(EVENTS)).body.data?.events.nodes).toEqual([published]);
    // The same notice again is a duplicate: still one event.
    expect(await fake().notify(gw().url, 'm-1')).toBe(200);
    expect((await gw().query(EVENTS)).body.data.events.nodes).toEqual([published]);
  });

  it('refuses an unsigned notice and one naming no cash-in, publishing nothing', async () => {
    fake().requests.length = 0;
    expect(await fake().notify(gw().url, 'm-3', false)).toBe(401);
    expect(fake().requests).toEqual([]);
    // The pipeline's answer for an object the provider does not know (no retry wanted).
    expect(await fake().notify(gw().url, 'm-3')).toBe(422);
    expect(fake().requests).toContain('/movements/m-3');
    const { body } = await gw().query(EVENTS);
    expect(body.data.events.nodes.map((e: { cashin: { id: string } }) => e.cashin.id)).not.toContain(globalId('Cashin', 'CUARTA', 'm-3'));
  });

  it('shows the value in this process only: the committed public schema has no CUARTA', async () => {
    expect(await printGatewaySchema()).toMatch(/enum Provider \{[^}]*\bCUARTA\b/);
    const published = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(published).toMatch(/enum Provider \{[^}]*\bTUPAY\b/);
    expect(published).not.toContain('CUARTA');
  });
});
