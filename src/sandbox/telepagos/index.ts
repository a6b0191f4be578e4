/**
 * The TelePagos Empresas API v2 sandbox: a local HTTP server answering like the real API (paths, bodies,
 * rules and errors of docs/providers.md), on the common shell of ../server.ts.
 */
import {
  ARGENTINA_UTC_OFFSET_MS,
  NOTIFICATION_RETRIES,
  TELEPAGOS_ALTERNATE_SUCCESS_WORDS,
  TELEPAGOS_DOCUMENTED_SUCCESS_WORD,
  TELEPAGOS_STRICT_RULES,
  TELEPAGOS_WIRE_CHOICES,
  TOKEN_LIFETIME_SECONDS,
  parseArgentinaDateTime,
  telepagosStatusWord,
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

const isObject = (body: unknown): body is Record<string, unknown> => typeof body === 'object' && body !== null && !Array.isArray(body);

/**
 * The alternate wire variant of TelePagos (../variant.ts): dates documented `YYYY-MM-DD HH:MM:SS` in
 * Argentina time go as ISO 8601 (`-03:00` or `Z`); the documents show the error body
 * `{ status: "error", message }`, so refusals also come with HTTP 200; rows carry Laravel's `deleted_at`;
 * success says `"success"` on POSTs (the token, the cash-out…) and `"OK"` elsewhere, not `"ok"`
 * (TELEPAGOS_ALTERNATE_SUCCESS_WORDS).
 */
export const TELEPAGOS_WIRE_FACTS: WireFacts = {
  documentedDate: (text) => parseArgentinaDateTime(text) ?? Number.NaN,
  offsetMinutes: ARGENTINA_UTC_OFFSET_MS / 60_000,
  extraFields: { deleted_at: null, app_name: 'sandbox' },
  errorBodyDocumented: true,
  successWord: (body, route) =>
    isObject(body) && body.status === TELEPAGOS_DOCUMENTED_SUCCESS_WORD
      ? { ...body, status: route.startsWith('POST ') ? TELEPAGOS_ALTERNATE_SUCCESS_WORDS.post : TELEPAGOS_ALTERNATE_SUCCESS_WORDS.other }
      : body,
};

/**
 * A `status-word` fault's answer: a success answer's `status` replaced, or left out for `null`. A
 * refusal keeps its word (a test sends other refusal words with an `error-body` fault).
 */
function withStatusWord(body: unknown, word: string | null): unknown {
  if (!isObject(body) || telepagosStatusWord(body.status) !== 'success') return body;
  const { status: _replaced, ...rest } = body;
  return word === null ? rest : { status: word, ...rest };
}

export const telepagosSandbox: SandboxDefinition<TelepagosState, TelepagosSandboxOptions> = {
  name: 'telepagos',
  errorBody: (_status, message) => ({ status: 'error', message }),
  // TelePagos can answer an error with HTTP 200 and `status: "error"`: error-body faults default to that.
  defaultErrorStatus: 200,
  acceptsForm: true,
  strictRules: TELEPAGOS_STRICT_RULES,
  wireChoices: TELEPAGOS_WIRE_CHOICES,
  wireFacts: TELEPAGOS_WIRE_FACTS,
  statusWord: withStatusWord,
  tokens: (options) => ({ lifetimeSeconds: options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS, prefix: 'tp_' }),
  createState: createTelepagosState,
  registerRoutes: registerTelepagosRoutes,
  registerControl: registerTelepagosControl,
};

/** Starts the sandbox on `options.port` (0, the default, picks a free port). */
export function startTelepagosSandbox(options: TelepagosSandboxOptions = {}): Promise<RunningSandbox<TelepagosState>> {
  return startSandbox(telepagosSandbox, { ...options, notifier: { retries: NOTIFICATION_RETRIES, ...options.notifier } });
}
