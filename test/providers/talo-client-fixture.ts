/**
 * Shared setup of the Talo client suites: a Talo sandbox on port 0 whose only account has long random
 * credentials (so leak scans mean something), clients pointed at it and closed after each test, and
 * small helpers over the sandbox's control surface.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { call } from '../helpers/http.js';
import { Secret } from '../../src/secret.js';
import { ProviderError } from '../../src/providers/errors.js';
import { TaloClient, type CreatePaymentRequest, type TaloClientOptions } from '../../src/providers/talo/client.js';
import { startTaloSandbox, type TaloCredentials, type TaloSandboxOptions, type TaloState } from '../../src/sandbox/talo/index.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { sandboxVariantFromEnv } from '../../src/sandbox/variant.js';

export const ROUTES = {
  tokens: 'POST /users/:user_id/tokens',
  create: 'POST /payments/',
  get: 'GET /payments/:id',
} as const;

export function randomAccount(): TaloCredentials {
  return { userId: randomUUID(), clientId: `shop-${randomBytes(8).toString('hex')}`, clientSecret: randomBytes(32).toString('base64url') };
}

export const paymentInput = (overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest => ({
  amount: '1500.50',
  currency: 'ARS',
  externalId: `order-${randomBytes(4).toString('hex')}`,
  redirectUrl: 'https://shop.example/checkout/done',
  webhookUrl: 'https://gateway.example/webhooks/talo/hook',
  motive: '2 calendarios grandes',
  ...overrides,
});

export interface TaloHarness {
  sandbox: RunningSandbox<TaloState>;
  account: TaloCredentials;
  /** A client for the sandbox account (options override), closed after the test. */
  client(options?: Partial<TaloClientOptions>): TaloClient;
  /** POST to a control route, expecting 2xx; answers the body. */
  control(path: string, body?: unknown): Promise<any>;
  fault(spec: Record<string, unknown>): Promise<void>;
}

/** Registers the suite's hooks; the harness is usable inside tests. */
export function useTaloSandbox(options: TaloSandboxOptions = {}): TaloHarness {
  const account = randomAccount();
  const clients: TaloClient[] = [];
  const harness = {
    account,
    client(overrides: Partial<TaloClientOptions> = {}) {
      const client = new TaloClient({
        baseUrl: harness.sandbox.url,
        userId: account.userId,
        clientId: account.clientId,
        clientSecret: new Secret(account.clientSecret),
        timeoutMs: 1_000,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async control(path: string, body?: unknown) {
      const response = await call(harness.sandbox.url, 'POST', path, { body: body ?? {} });
      expect(response.status, `${path}: ${response.text}`).toBeLessThan(300);
      return response.body;
    },
    async fault(spec: Record<string, unknown>) {
      await harness.control('/_sandbox/faults', spec);
    },
  } as TaloHarness;

  beforeAll(async () => {
    harness.sandbox = await startTaloSandbox({ credentials: [account], variant: sandboxVariantFromEnv(), ...options });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    harness.sandbox.reset();
  });
  afterAll(() => harness.sandbox.close());
  return harness;
}

/** The ProviderError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}
