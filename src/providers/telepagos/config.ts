/** TelePagos's configuration block: its environment variables, or its embedded sandbox. */
import { required, secret, webhookSecret } from '../../config-env.js';
import type { Secret } from '../../secret.js';
import { TELEPAGOS_SANDBOX_CREDENTIALS } from './sandbox-credentials.js';
import { whenSet, type ProviderConfigBlock } from '../config-block.js';

export interface TelepagosConfig {
  /** Base URL; `v2/...` paths are appended. */
  url: string;
  username: string;
  password: Secret;
  /** Authenticates TelePagos notifications (X-Signature HMAC). */
  webhookSecret: Secret;
}

const URL_VARIABLE = 'TELEPAGOS_URL';

export const telepagosConfig: ProviderConfigBlock<TelepagosConfig> = {
  urlVariable: URL_VARIABLE,
  read: (env, problems, production, url) => ({
    url,
    username: required(env, problems, 'TELEPAGOS_USERNAME', whenSet(URL_VARIABLE)),
    password: secret(required(env, problems, 'TELEPAGOS_PASSWORD', whenSet(URL_VARIABLE))),
    webhookSecret: webhookSecret(env, problems, 'TELEPAGOS_WEBHOOK_SECRET', production, TELEPAGOS_SANDBOX_CREDENTIALS.webhookSecret),
  }),
  sandbox: (url) => ({
    url,
    username: TELEPAGOS_SANDBOX_CREDENTIALS.username,
    password: secret(TELEPAGOS_SANDBOX_CREDENTIALS.password),
    webhookSecret: secret(TELEPAGOS_SANDBOX_CREDENTIALS.webhookSecret),
  }),
  sandboxWire: (wire) => ({ transactionsOrder: wire.telepagosTransactionsOrder, balanceUnit: wire.telepagosBalanceUnit }),
};
