/** The credentials the Tupay sandbox accepts (public: docs/contract/README.md). */
export const TUPAY_SANDBOX_CREDENTIALS = {
  accessKey: 'api@pasarela.test',
  secretKey: 'sandbox',
  webhookLogin: 'pasarela-sandbox',
  webhookSecret: 'tupay-sandbox-webhook-secret',
} as const;
