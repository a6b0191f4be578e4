/**
 * Baseline: what a team would write in an afternoon. Apollo Server 5 on Fastify, default plugins, one
 * resolver calling the TelePagos balance with undici; the token is fetched once at start.
 * BENCH_MEMORY=1 answers from memory instead (no upstream call). Env: PORT, TELEPAGOS_URL.
 */
import Fastify from 'fastify';
import { ApolloServer } from '@apollo/server';
import fastifyApollo from '@as-integrations/fastify';
import { BALANCE_QUERY_SDL, balanceResolvers, fetchToken } from './shared.js';

const base = process.env.TELEPAGOS_URL!;
const memory = process.env.BENCH_MEMORY === '1';
const token = memory ? '' : await fetchToken(base);

const apollo = new ApolloServer({
  typeDefs: BALANCE_QUERY_SDL,
  resolvers: balanceResolvers(base, memory, token),
});
await apollo.start();
const app = Fastify();
await app.register(fastifyApollo(apollo));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`LISTENING ${process.env.PORT}`);
// A normal exit on SIGTERM, so `bench:profile --cpu-prof` gets its profile written.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
