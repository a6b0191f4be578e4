/**
 * The TelePagos Empresas API v2 sandbox: a local HTTP server answering like the real API (paths, bodies,
 * rules and errors of docs/providers.md), on the common shell of ../server.ts.
 */
import {
  ARGENTINA_UTC_OFFSET_MS,
  NOTIFICATION_RETRIES,
  TELEPAGOS_STRICT_RULES,
  TOKEN_LIFETIME_SECONDS,
  parseArgentinaDateTime,
} from '../../providers/telepagos/assumptions.js';
import { startSandbox, type RunningSandbox, type SandboxDefinition } from '../server.js';
import { registerTelepagosControl } from './control.js';
import type { TelepagosSandboxOptions } from './options.js';
import { registerTelepagosRoutes } from './routes.js';
import { createTelepagosState } from './seed.js';
import type { TelepagosState } from './state.js';
import type { WireFacts } from '../variant.js';

export type { TelepagosSandboxOptions } from './options.js';
export { TELEPAGOS_DEFAULTS } from './options.js';
export type { TelepagosState } from './state.js';
export { EXTERNAL_CVU, FIXTURE_ACCOUNTS, FIXTURE_SALE_POINTS, TELEPAGOS_ACCOUNT } from './fixtures.js';
export { telepagosSigner } from './notifications.js';

/**
 * The alternate wire variant of TelePagos (../variant.ts): dates documented `YYYY-MM-DD HH:MM:SS` in
 * Argentina time go as ISO 8601 (`-03:00` or `Z`); the documents show the error body
 * `{ status: "error", message }`, so refusals also come with HTTP 200; rows carry Laravel's `deleted_at`.
 */
export const TELEPAGOS_WIRE_FACTS: WireFacts = {
  documentedDate: (text) => parseArgentinaDateTime(text) ?? Number.NaN,
  offsetMinutes: ARGENTINA_UTC_OFFSET_MS / 60_000,
  extraFields: { deleted_at: null, app_name: 'sandbox' },
  errorBodyDocumented: true,
};

export const telepagosSandbox: SandboxDefinition<TelepagosState, TelepagosSandboxOptions> = {
  name: 'telepagos',
  errorBody: (_status, message) => ({ status: 'error', message }),
  // TelePagos can answer an error with HTTP 200 and `status: "error"`: error-body faults default to that.
  defaultErrorStatus: 200,
  acceptsForm: true,
  strictRules: TELEPAGOS_STRICT_RULES,
  wireFacts: TELEPAGOS_WIRE_FACTS,
  tokens: (options) => ({ lifetimeSeconds: options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS, prefix: 'tp_' }),
  createState: createTelepagosState,
  registerRoutes: registerTelepagosRoutes,
  registerControl: registerTelepagosControl,
};

/** Starts the sandbox on `options.port` (0, the default, picks a free port). */
export function startTelepagosSandbox(options: TelepagosSandboxOptions = {}): Promise<RunningSandbox<TelepagosState>> {
  return startSandbox(telepagosSandbox, { ...options, notifier: { retries: NOTIFICATION_RETRIES, ...options.notifier } });
}
