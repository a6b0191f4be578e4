/**
 * Shared set-up of the TelePagos client suites: a sandbox on port 0 with a fixed clock and seed and long
 * random credentials, clients pointed at it, and small helpers over its control surface.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { TelepagosClient, type TelepagosClientOptions } from '../../src/providers/telepagos/client.js';
import { Secret } from '../../src/secret.js';
import { startTelepagosSandbox, type TelepagosSandboxOptions } from '../../src/sandbox/telepagos/index.js';
import { call } from '../helpers/http.js';
import { sandboxVariantFromEnv } from '../../src/sandbox/variant.js';

/** 12:00 in Argentina on 2025-06-15: the seeded history ends here. */
export const NOW = new Date('2025-06-15T15:00:00Z');
export const TODAY = '2025-06-15';
export const SEED = 42;

export const randomSecret = (): string => randomBytes(24).toString('base64url');

export type Sandbox = Awaited<ReturnType<typeof startTelepagosSandbox>>;

export interface Harness {
  sandbox: Sandbox;
  credentials: { username: string; password: string };
  /** A client on the sandbox with fast retries; options override. Closed by `closeClients`. */
  client(options?: Partial<TelepagosClientOptions>): TelepagosClient;
  closeClients(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A harness for the suite (or describe block) this is called in: started before its tests and closed
 * after them, the sandbox reset before each test and the clients closed after each. Suites that reset
 * other things after a test start their own with `startHarness`.
 */
export function useHarness(options: TelepagosSandboxOptions = {}): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(() => {
    harness!.sandbox.reset();
  });
  afterEach(async () => {
    await harness!.closeClients();
  });
  return () => {
    if (!harness) throw new Error('the harness starts before the tests of the suite that uses it');
    return harness;
  };
}

export async function startHarness(options: TelepagosSandboxOptions = {}): Promise<Harness> {
  const credentials = { username: `api-${randomSecret()}`, password: randomSecret() };
  const sandbox = await startTelepagosSandbox({ now: NOW, seed: SEED, days: 60, credentials, variant: sandboxVariantFromEnv(), ...options });
  const clients: TelepagosClient[] = [];
  const closeClients = async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  };
  return {
    sandbox,
    credentials,
    client(overrides = {}) {
      const client = new TelepagosClient({
        baseUrl: sandbox.url,
        username: credentials.username,
        password: new Secret(credentials.password),
        timeoutMs: 2_000,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    closeClients,
    async close() {
      await closeClients();
      await sandbox.close();
    },
  };
}

export async function fault(sandbox: Sandbox, spec: Record<string, unknown>): Promise<void> {
  const response = await call(sandbox.url, 'POST', '/_sandbox/faults', { body: spec });
  expect(response.status).toBe(201);
}

export async function control<T = any>(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<T> {
  const response = await call<T>(sandbox.url, method, path, { body });
  expect(response.status, response.text).toBeLessThan(300);
  return response.body;
}

export interface Summary {
  balance_cents: number;
  transactions: number;
  cashouts: number;
  cashins: number;
  qr_orders: number;
  payment_links: number;
  transfer_links: number;
  sale_points: number;
}

/** The state counters of `GET /_sandbox/state/summary`, without its ticking clock (so two compare equal). */
export async function summary(sandbox: Sandbox): Promise<Summary> {
  const { now: _now, ...counters } = await control<Summary & { now: string }>(sandbox, 'GET', '/_sandbox/state/summary');
  return counters;
}

/** Awaits a rejection and checks it is a ProviderError. */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** Requests the sandbox logged for one route key, e.g. `POST /v2/payment/cashout`. */
export const logged = (sandbox: Sandbox, route: string) => sandbox.log.list(route);
export const count = (sandbox: Sandbox, route: string): number => sandbox.log.count(route);

export const ROUTES = {
  token: 'POST /v2/auth/token',
  balance: 'GET /v2/account/balance',
  transactions: 'GET /v2/account/transactions',
  cashout: 'POST /v2/payment/cashout',
  qrGenerate: 'POST /v2/payment/cashin/qr/generate',
  salePointCreate: 'POST /v2/payment/cashin/qr/sale-point',
} as const;
