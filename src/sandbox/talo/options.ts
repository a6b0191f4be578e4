/** Options of the Talo sandbox, on top of every sandbox's (port, seed, now, token lifetime, notifier). */
import { TALO_SANDBOX_CREDENTIALS } from '../../providers/talo/sandbox-credentials.js';
import type { SandboxOptions } from '../server.js';
import type { QuoteCvuField } from './payments.js';

export interface TaloCredentials {
  userId: string;
  clientId: string;
  clientSecret: string;
}

export interface TaloSandboxOptions extends SandboxOptions {
  /**
   * Accounts that may ask for tokens (each token acts for its `userId`). Default: the contract's sandbox
   * account, TALO_SANDBOX_CREDENTIALS. The first one owns the seeded demo payments.
   */
  credentials?: TaloCredentials[];
  /** Where quotes carry the CVU: `cvu` (default), `address` (as some answers do) or both. */
  quoteCvuField?: QuoteCvuField;
  /**
   * The `webhook_url` of the seeded demo payments (nobody created them, so nobody gave them one).
   * Default none; `PUT /_sandbox/webhook` changes it until the next reset.
   */
  seedWebhookUrl?: string;
}

/** The accounts in force: never empty. */
export function taloCredentials(options: TaloSandboxOptions): TaloCredentials[] {
  const { userId, clientId, clientSecret } = TALO_SANDBOX_CREDENTIALS;
  return options.credentials?.length ? options.credentials : [{ userId, clientId, clientSecret }];
}
