/**
 * The Tupay sandbox: Tupay's merchant reconciliation API (Directa24 white-label) on loopback, built on
 * the common sandbox shell. Facts and assumptions live in src/providers/tupay/assumptions.ts.
 */
import {
  TUPAY_SESSION_LIFETIME_SECONDS,
  TUPAY_SESSION_SLIDING,
  TUPAY_DATE_PATTERN,
  TUPAY_STRICT_RULES,
  TUPAY_WIRE_CHOICES,
  TUPAY_UTC_OFFSET_MINUTES,
  tupayErrorCode,
  type TupayErrorBody,
} from '../../providers/tupay/assumptions.js';
import { TUPAY_SANDBOX_CREDENTIALS } from '../../providers/tupay/sandbox-credentials.js';
import { startSandbox, type RunningSandbox, type SandboxDefinition, type SandboxOptions } from '../server.js';
import type { TupayCredentials } from './auth.js';
import { registerControl } from './control.js';
import { registerRoutes } from './routes.js';
import { DEFAULT_CASHOUTS_PER_DAY, DEFAULT_DAYS, DEFAULT_DEPOSITS_PER_DAY, DEFAULT_SEED, seedState } from './seed.js';
import type { TupayState } from './state.js';
import type { WireFacts } from '../variant.js';

export type { TupayState } from './state.js';
export type { TupayCredentials } from './auth.js';

export interface TupaySandboxOptions extends SandboxOptions {
  /** Days of seeded history ending at `now`. Default 120 (more than the 60-day range limit). */
  days?: number;
  /** Average seeded deposits per day (each day gets ½× to 1½×). Default 4. */
  depositsPerDay?: number;
  /** Average seeded cash-outs per day. Default 2. */
  cashoutsPerDay?: number;
  /** The only login accepted. Default: TUPAY_SANDBOX_CREDENTIALS. */
  credentials?: TupayCredentials;
  /** Client IPs allowed to call `v1/...` (others get 403 code 83). Default: every IP. */
  allowedIps?: string[];
  /** Where deposit notifications go. Default: none (set one with PUT /_sandbox/webhook). */
  webhookUrl?: string;
  /** `X-Login` of notifications. Default: TUPAY_SANDBOX_CREDENTIALS.webhookLogin. */
  webhookLogin?: string;
  /** HMAC secret of notifications. Default: TUPAY_SANDBOX_CREDENTIALS.webhookSecret. */
  webhookSecret?: string;
  /** Time source in ms for sessions and new records. Default: Date.now (tests pass a manual clock). */
  clock?: () => number;
}

const defaultCredentials: TupayCredentials = {
  accessKey: TUPAY_SANDBOX_CREDENTIALS.accessKey,
  secretKey: TUPAY_SANDBOX_CREDENTIALS.secretKey,
};

function createState(options: TupaySandboxOptions): TupayState {
  const clock = options.clock ?? Date.now;
  const state = seedState({
    seed: options.seed ?? DEFAULT_SEED,
    nowMs: options.now?.getTime() ?? clock(),
    clock,
    days: options.days ?? DEFAULT_DAYS,
    depositsPerDay: options.depositsPerDay ?? DEFAULT_DEPOSITS_PER_DAY,
    cashoutsPerDay: options.cashoutsPerDay ?? DEFAULT_CASHOUTS_PER_DAY,
  });
  state.allowedIps = options.allowedIps ? [...options.allowedIps] : null;
  state.webhookUrl = options.webhookUrl ?? null;
  return state;
}

/**
 * The alternate wire variant of Tupay (../variant.ts): UTC dates also go at Lima's `-05:00` or with
 * milliseconds, report days as a bare date; the documents show no error body, so refusals keep their
 * HTTP status.
 */
export const TUPAY_WIRE_FACTS: WireFacts = {
  documentedDate: (text) => (TUPAY_DATE_PATTERN.test(text) ? Date.parse(text) : Number.NaN),
  offsetMinutes: TUPAY_UTC_OFFSET_MINUTES,
  dayFields: new Set(['date']),
  extraFields: { bankCode: null, comments: 'sandbox' },
  errorBodyDocumented: false,
};

export const tupaySandbox: SandboxDefinition<TupayState, TupaySandboxOptions> = {
  name: 'tupay',
  strictRules: TUPAY_STRICT_RULES,
  wireChoices: TUPAY_WIRE_CHOICES,
  wireFacts: TUPAY_WIRE_FACTS,
  errorBody: (status, message): TupayErrorBody => ({ code: tupayErrorCode(status), description: message }),
  defaultErrorStatus: 500,
  tokens: (options) => ({
    lifetimeSeconds: options.tokenLifetimeSeconds ?? TUPAY_SESSION_LIFETIME_SECONDS,
    sliding: TUPAY_SESSION_SLIDING,
    ...(options.clock ? { now: options.clock } : {}),
  }),
  createState,
  registerRoutes: (app, runtime, options) => registerRoutes(app, runtime, options.credentials ?? defaultCredentials),
  registerControl: (app, runtime, options) =>
    registerControl(app, runtime, {
      login: options.webhookLogin ?? TUPAY_SANDBOX_CREDENTIALS.webhookLogin,
      secret: options.webhookSecret ?? TUPAY_SANDBOX_CREDENTIALS.webhookSecret,
    }),
};

export function startTupaySandbox(options: TupaySandboxOptions = {}): Promise<RunningSandbox<TupayState>> {
  return startSandbox(tupaySandbox, options);
}
