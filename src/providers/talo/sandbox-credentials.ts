/** The credentials the Talo sandbox accepts (public: docs/contract/README.md). */
export const TALO_SANDBOX_CREDENTIALS = {
  userId: '5a1e0000-0000-4000-8000-000000000001',
  clientId: 'pasarela',
  clientSecret: 'sandbox',
  webhookSecret: 'talo-sandbox-webhook-secret',
} as const;
