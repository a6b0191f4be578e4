/**
 * Baseline: what a team would write in an afternoon. Apollo Server 5 on Fastify, default plugins, one
 * resolver calling the TelePagos balance with undici; the token is fetched once at start.
 * BENCH_MEMORY=1 answers from memory instead (no upstream call). Env: PORT, TELEPAGOS_URL.
 */
import Fastify from 'fastify';
import { ApolloServer } from '@apollo/server';
import fastifyApollo from '@as-integrations/fastify';
import { request } from 'undici';
import { BALANCE_QUERY_SDL, fetchToken, MEMORY_BALANCE } from './shared.js';

const base = process.env.TELEPAGOS_URL!;
const memory = process.env.BENCH_MEMORY === '1';
const token = memory ? '' : await fetchToken(base);

const apollo = new ApolloServer({
  typeDefs: BALANCE_QUERY_SDL,
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
await apollo.start();
const app = Fastify();
await app.register(fastifyApollo(apollo));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`LISTENING ${process.env.PORT}`);
