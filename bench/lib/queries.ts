/** The balance query of cases 1, 2, 6, 9 and 10 (and the trusted-only app's manifest: `servers.ts`). */
export const BALANCE_QUERY = '{ account(provider: TELEPAGOS) { balance { amount } } }';
