/** Tupay's configuration block: its environment variables, or its embedded sandbox. */
import { required, secret, value, webhookSecret } from '../../config-env.js';
import type { Secret } from '../../secret.js';
import { TUPAY_SANDBOX_CREDENTIALS } from './sandbox-credentials.js';
import { whenSet, type ProviderConfigBlock } from '../config-block.js';

export interface TupayConfig {
  /** Base URL; `v1/...` paths are appended. */
  url: string;
  accessKey: string;
  secretKey: Secret;
  /** The X-Login Tupay's deposit notifications carry. */
  webhookLogin: string;
  webhookSecret: Secret;
}

const URL_VARIABLE = 'TUPAY_URL';

export const tupayConfig: ProviderConfigBlock<TupayConfig> = {
  urlVariable: URL_VARIABLE,
  read: (env, problems, production, url) => ({
    url,
    accessKey: required(env, problems, 'TUPAY_ACCESS_KEY', whenSet(URL_VARIABLE)),
    secretKey: secret(required(env, problems, 'TUPAY_SECRET_KEY', whenSet(URL_VARIABLE))),
    webhookLogin: value(env, 'TUPAY_WEBHOOK_LOGIN') ?? TUPAY_SANDBOX_CREDENTIALS.webhookLogin,
    webhookSecret: webhookSecret(env, problems, 'TUPAY_WEBHOOK_SECRET', production, TUPAY_SANDBOX_CREDENTIALS.webhookSecret),
  }),
  sandbox: (url) => ({
    url,
    accessKey: TUPAY_SANDBOX_CREDENTIALS.accessKey,
    secretKey: secret(TUPAY_SANDBOX_CREDENTIALS.secretKey),
    webhookLogin: TUPAY_SANDBOX_CREDENTIALS.webhookLogin,
    webhookSecret: secret(TUPAY_SANDBOX_CREDENTIALS.webhookSecret),
  }),
  sandboxWire: (wire) => ({ rangeUnit: wire.tupayRangeUnit, rangeEnd: wire.tupayRangeEnd }),
};
