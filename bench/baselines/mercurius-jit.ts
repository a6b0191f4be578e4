/**
 * Baseline: the fastest Node GraphQL server we know, Mercurius with graphql-jit (`jit: 1`), on Fastify;
 * the same resolver as the naive Apollo one. BENCH_MEMORY=1 answers from memory. Env: PORT, TELEPAGOS_URL.
 */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { request } from 'undici';
import { BALANCE_QUERY_SDL, fetchToken, MEMORY_BALANCE } from './shared.js';

const base = process.env.TELEPAGOS_URL!;
const memory = process.env.BENCH_MEMORY === '1';
const token = memory ? '' : await fetchToken(base);

const app = Fastify();
await app.register(mercurius, {
  schema: BALANCE_QUERY_SDL,
  jit: 1,
  resolvers: {
    Query: { account: (_: unknown, args: { provider: string }) => ({ provider: args.provider }) },
    Account: {
      balance: async () => {
        if (memory) return MEMORY_BALANCE;
        const response = await request(new URL('v2/account/balance', base), { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.body.json()) as { amount: number };
        return { amount: String(body.amount), currency: 'ARS' };
      },
    },
  },
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`LISTENING ${process.env.PORT}`);
