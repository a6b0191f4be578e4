/** The credentials the TelePagos sandbox accepts (public: docs/contract/README.md). */
export const TELEPAGOS_SANDBOX_CREDENTIALS = { username: 'pasarela', password: 'sandbox', webhookSecret: 'telepagos-sandbox-webhook-secret' } as const;
