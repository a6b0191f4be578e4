/** What both baselines share: the schema slice of the benchmarked query, the token fetch, the memory answer. */
import { request } from 'undici';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';

export const BALANCE_QUERY_SDL = /* GraphQL */ `
  enum Provider {
    TELEPAGOS
    TALO
    TUPAY
  }
  type Money {
    amount: String!
    currency: String!
  }
  type Account {
    provider: Provider!
    balance: Money
  }
  type Query {
    account(provider: Provider!): Account
  }
`;

export const MEMORY_BALANCE = { amount: '2397261', currency: 'ARS' };

/** One TelePagos token, fetched at start (the naive way: no renewal). */
export async function fetchToken(base: string): Promise<string> {
  const { username, password } = SANDBOX_CREDENTIALS.telepagos;
  const response = await request(new URL('v2/auth/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.body.json()) as { token: string };
  return body.token;
}

/**
 * The resolvers both baselines serve: the account, and its balance read straight from the TelePagos
 * sandbox with undici (or a constant when `memory`). The token is fetched once, before serving.
 */
export function balanceResolvers(base: string, memory: boolean, token: string) {
  return {
    Query: { account: (_: unknown, args: { provider: string }) => ({ provider: args.provider }) },
    Account: {
      balance: async () => {
        if (memory) return MEMORY_BALANCE;
        const response = await request(new URL('v2/account/balance', base), { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.body.json()) as { amount: number };
        return { amount: String(body.amount), currency: 'ARS' };
      },
    },
  };
}
