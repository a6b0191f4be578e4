/**
 * The Talo sandbox: a local HTTP server that answers like Talo's e-commerce payments API (JWT tokens,
 * payments to a one-off CVU, eight statuses, unsigned "Pago Actualizado" webhooks), on the common shell
 * of ../server.ts. Walk-through: docs/sandbox-talo.md.
 */
import { startSandbox, type RunningSandbox, type SandboxDefinition } from '../server.js';
import { TALO_TOKEN_LIFETIME_SECONDS, TALO_WEBHOOK_ANSWER_WITHIN_MS, TALO_WEBHOOK_BACKOFF, TALO_WEBHOOK_RETRIES } from '../../providers/talo/assumptions.js';
import { ARGENTINA_UTC_OFFSET_MS } from '../../providers/telepagos/assumptions.js';
import type { WireFacts } from '../variant.js';
import { registerTaloControl } from './control.js';
import { createJwtMinter } from './jwt.js';
import { taloCredentials, type TaloCredentials, type TaloSandboxOptions } from './options.js';
import { registerTaloRoutes, taloErrorBody } from './routes.js';
import { createTaloState, type TaloState } from './state.js';

export type { TaloCredentials, TaloSandboxOptions, TaloState };
export type { QuoteCvuField } from './payments.js';
export { TALO_OTHER_USER_ID } from './state.js';

/** (public) Talo's dates as this sandbox writes them: ISO 8601 in UTC, with milliseconds. */
const TALO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * The alternate wire variant of Talo (../variant.ts): UTC dates also go at Argentina's `-03:00`; the
 * seed shows the envelope `{ message, error, data }`, so refusals also come with HTTP 200, `error: true`
 * and the status in `code`.
 */
export const TALO_WIRE_FACTS: WireFacts = {
  documentedDate: (text) => (TALO_DATE.test(text) ? Date.parse(text) : Number.NaN),
  offsetMinutes: ARGENTINA_UTC_OFFSET_MS / 60_000,
  extraFields: { metadata: null, livemode: false },
  errorBodyDocumented: true,
  // (seed) failures "sometimes" carry a `code`: a refusal sent with 200 says its status there.
  refusalBody: (body, status) => ({ ...(body as object), code: status }),
};

export const taloSandbox: SandboxDefinition<TaloState, TaloSandboxOptions> = {
  name: 'talo',
  errorBody: taloErrorBody,
  defaultErrorStatus: 500,
  wireFacts: TALO_WIRE_FACTS,
  tokens: (options) => ({
    lifetimeSeconds: options.tokenLifetimeSeconds ?? TALO_TOKEN_LIFETIME_SECONDS,
    // Real clock on purpose: clients compare `exp` with their own clock, whatever `options.now` says.
    mint: createJwtMinter(),
  }),
  createState: (options) =>
    createTaloState({
      seed: options.seed,
      now: options.now,
      ownerUserId: taloCredentials(options)[0]!.userId,
      seedWebhookUrl: options.seedWebhookUrl,
    }),
  registerRoutes: registerTaloRoutes,
  registerControl: registerTaloControl,
};

/** Starts the Talo sandbox (port 0 by default) with Talo's webhook retry policy unless overridden. */
export function startTaloSandbox(options: TaloSandboxOptions = {}): Promise<RunningSandbox<TaloState>> {
  return startSandbox(taloSandbox, {
    ...options,
    notifier: {
      retries: TALO_WEBHOOK_RETRIES,
      ...TALO_WEBHOOK_BACKOFF,
      timeoutMs: TALO_WEBHOOK_ANSWER_WITHIN_MS,
      ...options.notifier,
    },
  });
}
