/** Shared fixtures of the Tupay client suites: a fixed sandbox history, long random credentials, clients. */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';
import { TupayClient, type TupayClientOptions } from '../../src/providers/tupay/client.js';
import { Secret } from '../../src/secret.js';
import type { RunningSandbox } from '../../src/sandbox/server.js';
import { startTupaySandbox, type TupayCredentials, type TupaySandboxOptions, type TupayState } from '../../src/sandbox/tupay/index.js';
import { call } from '../helpers/http.js';
import { sandboxVariantFromEnv } from '../../src/sandbox/variant.js';

/** The seeded history ends here, whatever day the tests run. */
export const NOW = new Date('2026-01-31T12:00:00Z');
export const NOW_SEC = NOW.getTime() / 1000;
export const DAY = 86_400;
export const SEED = 4_242;

export const ROUTES = {
  login: 'POST /v1/auth/login',
  destroy: 'DELETE /v1/auth/session/destroy',
  deposits: 'GET /v1/deposits',
  cashouts: 'GET /v1/cashout',
  balance: 'GET /v1/balance',
  report: 'GET /v1/balance/report',
} as const;

export type TupaySandbox = RunningSandbox<TupayState>;

/** Long and random, so a leak scan cannot hit them by chance. */
export function randomCredentials(): TupayCredentials {
  return { accessKey: `api-${randomBytes(8).toString('hex')}@pasarela.test`, secretKey: randomBytes(32).toString('base64url') };
}

export async function startTupay(options: TupaySandboxOptions = {}): Promise<{ sandbox: TupaySandbox; credentials: TupayCredentials }> {
  const credentials = options.credentials ?? randomCredentials();
  const sandbox = await startTupaySandbox({ now: NOW, seed: SEED, variant: sandboxVariantFromEnv(), ...options, credentials });
  return { sandbox, credentials };
}

/** Clients made by `clients.make`, closed by `clients.closeAll` (without logging out twice). */
export function clientFactory(defaults: () => { sandbox: TupaySandbox; credentials: TupayCredentials }) {
  const made: TupayClient[] = [];
  return {
    make(options: Partial<TupayClientOptions> = {}): TupayClient {
      const { sandbox, credentials } = defaults();
      const client = new TupayClient({
        baseUrl: sandbox.url,
        accessKey: credentials.accessKey,
        secretKey: new Secret(credentials.secretKey),
        timeoutMs: 2_000,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        ...options,
      });
      made.push(client);
      return client;
    },
    async closeAll(): Promise<void> {
      // A client a test closed already may refuse a second close: that is fine here.
      await Promise.allSettled(made.splice(0).map((c) => c.close()));
    },
  };
}

export async function addFault(sandbox: TupaySandbox, spec: Record<string, unknown>): Promise<void> {
  const response = await call(sandbox.url, 'POST', '/_sandbox/faults', { body: spec });
  expect(response.status).toBe(201);
}

export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** Unix seconds of a `from`/`to` query value as the sandbox logged it. */
export const querySec = (value: unknown): number => Number(value);

/** Integer cents to the domain's decimal text ("12.50"), for exact comparisons. */
export const decimal = (cents: number): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};
