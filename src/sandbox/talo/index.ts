/**
 * The Talo sandbox: a local HTTP server that answers like Talo's e-commerce payments API (JWT tokens,
 * payments to a one-off CVU, eight statuses, unsigned "Pago Actualizado" webhooks), on the common shell
 * of ../server.ts. Walk-through: docs/sandbox-talo.md.
 */
import { startSandbox, type RunningSandbox, type SandboxDefinition } from '../server.js';
import {
  TALO_TOKEN_LIFETIME_SECONDS,
  TALO_WEBHOOK_ANSWER_WITHIN_MS,
  TALO_WEBHOOK_BACKOFF,
  TALO_WEBHOOK_RETRIES,
} from '../../providers/talo/assumptions.js';
import { registerTaloControl } from './control.js';
import { createJwtMinter } from './jwt.js';
import { taloCredentials, type TaloCredentials, type TaloSandboxOptions } from './options.js';
import { registerTaloRoutes, taloErrorBody } from './routes.js';
import { createTaloState, type TaloState } from './state.js';

export type { TaloCredentials, TaloSandboxOptions, TaloState };
export type { QuoteCvuField } from './payments.js';
export { TALO_OTHER_USER_ID } from './state.js';

export const taloSandbox: SandboxDefinition<TaloState, TaloSandboxOptions> = {
  name: 'talo',
  errorBody: taloErrorBody,
  defaultErrorStatus: 500,
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
