/** What both baselines share: the schema slice of the benchmarked query, the token fetch, the memory answer. */
import { request } from 'undici';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';

export const BALANCE_QUERY_SDL = /* GraphQL */ `
  enum Provider { TELEPAGOS TALO TUPAY }
  type Money { amount: String! currency: String! }
  type Account { provider: Provider! balance: Money }
  type Query { account(provider: Provider!): Account }
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
