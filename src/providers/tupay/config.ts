/** Tupay's configuration block: its environment variables, or its embedded sandbox. */
import { required, secret, value, webhookSecret } from '../../config-env.js';
import type { Secret } from '../../secret.js';
import { SANDBOX_CREDENTIALS } from '../../sandbox/credentials.js';
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
    webhookLogin: value(env, 'TUPAY_WEBHOOK_LOGIN') ?? SANDBOX_CREDENTIALS.tupay.webhookLogin,
    webhookSecret: webhookSecret(env, problems, 'TUPAY_WEBHOOK_SECRET', production, SANDBOX_CREDENTIALS.tupay.webhookSecret),
  }),
  sandbox: (url) => ({
    url,
    accessKey: SANDBOX_CREDENTIALS.tupay.accessKey,
    secretKey: secret(SANDBOX_CREDENTIALS.tupay.secretKey),
    webhookLogin: SANDBOX_CREDENTIALS.tupay.webhookLogin,
    webhookSecret: secret(SANDBOX_CREDENTIALS.tupay.webhookSecret),
  }),
  sandboxWire: (wire) => ({ rangeUnit: wire.tupayRangeUnit, rangeEnd: wire.tupayRangeEnd }),
};
