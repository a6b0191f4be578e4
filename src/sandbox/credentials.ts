/**
 * The sandbox credentials of the public contract (docs/contract/README.md). The sandboxes accept
 * these and nothing else; the embedded default points the gateway at the sandboxes with them. They are
 * not secrets: they open nothing but a simulator on loopback.
 */
export const SANDBOX_CREDENTIALS = {
  telepagos: { username: 'pasarela', password: 'sandbox', webhookSecret: 'telepagos-sandbox-webhook-secret' },
  talo: {
    userId: '5a1e0000-0000-4000-8000-000000000001',
    clientId: 'pasarela',
    clientSecret: 'sandbox',
    webhookSecret: 'talo-sandbox-webhook-secret',
  },
  tupay: {
    accessKey: 'api@pasarela.test',
    secretKey: 'sandbox',
    webhookLogin: 'pasarela-sandbox',
    webhookSecret: 'tupay-sandbox-webhook-secret',
  },
} as const;

/** Default ports of `npm run sandbox` (overridable with SANDBOX_PORT_TELEPAGOS/_TALO/_TUPAY). */
export const SANDBOX_DEFAULT_PORTS = { telepagos: 4101, talo: 4102, tupay: 4103 } as const;
