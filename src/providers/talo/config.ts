/** Talo's configuration block: its environment variables, or its embedded sandbox. */
import { required, secret, webhookSecret } from '../../config-env.js';
import type { Secret } from '../../secret.js';
import { TALO_SANDBOX_CREDENTIALS } from './sandbox-credentials.js';
import { whenSet, type ProviderConfigBlock } from '../config-block.js';

export interface TaloConfig {
  url: string;
  userId: string;
  clientId: string;
  clientSecret: Secret;
  /** Embedded (derived) in the webhook URL the gateway gives Talo for each payment. */
  webhookSecret: Secret;
}

const URL_VARIABLE = 'TALO_URL';

export const taloConfig: ProviderConfigBlock<TaloConfig> = {
  urlVariable: URL_VARIABLE,
  read: (env, problems, production, url) => ({
    url,
    userId: required(env, problems, 'TALO_USER_ID', whenSet(URL_VARIABLE)),
    clientId: required(env, problems, 'TALO_CLIENT_ID', whenSet(URL_VARIABLE)),
    clientSecret: secret(required(env, problems, 'TALO_CLIENT_SECRET', whenSet(URL_VARIABLE))),
    webhookSecret: webhookSecret(env, problems, 'TALO_WEBHOOK_SECRET', production, TALO_SANDBOX_CREDENTIALS.webhookSecret),
  }),
  sandbox: (url) => ({
    url,
    userId: TALO_SANDBOX_CREDENTIALS.userId,
    clientId: TALO_SANDBOX_CREDENTIALS.clientId,
    clientSecret: secret(TALO_SANDBOX_CREDENTIALS.clientSecret),
    webhookSecret: secret(TALO_SANDBOX_CREDENTIALS.webhookSecret),
  }),
};
