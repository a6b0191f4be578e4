/** The options of the TelePagos sandbox, on top of those every sandbox takes. */
import type { SandboxOptions } from '../server.js';
import type { TokenRefusalStatus } from './state.js';

export interface TelepagosSandboxOptions extends SandboxOptions {
  /** Days of seeded history ending at `now`. Default 180. */
  days?: number;
  /** Average seeded transactions per day (some days have none). Default 6. */
  transactionsPerDay?: number;
  /** API credentials the token endpoint accepts. Default: TELEPAGOS_SANDBOX_CREDENTIALS. */
  credentials?: { username: string; password: string };
  /** Where notifications go; settable at run time with `PUT /_sandbox/webhook`. Default: none. */
  webhookUrl?: string;
  /** Secret of the `X-Signature` HMAC. Default: TELEPAGOS_SANDBOX_CREDENTIALS.webhookSecret. */
  webhookSecret?: string;
  /** Whether the user is tied to the collecting account (statistics endpoint allowed). Default true. */
  whitelabel?: boolean;
  /**
   * HTTP status of an answer refusing a missing, unknown or expired token (its body is always
   * `{ status: "error", message }`); settable with `PUT /_sandbox/token-refusal`. Default 401.
   */
  tokenRefusalStatus?: TokenRefusalStatus;
}

export const TELEPAGOS_DEFAULTS = {
  seed: 20_250_615,
  days: 180,
  transactionsPerDay: 6,
} as const;
