/**
 * Baseline: the fastest Node GraphQL server we know, Mercurius with graphql-jit (`jit: 1`), on Fastify;
 * the same resolver as the naive Apollo one. BENCH_MEMORY=1 answers from memory. Env: PORT, TELEPAGOS_URL.
 */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { BALANCE_QUERY_SDL, balanceResolvers, fetchToken } from './shared.js';

const base = process.env.TELEPAGOS_URL!;
const memory = process.env.BENCH_MEMORY === '1';
const token = memory ? '' : await fetchToken(base);

const app = Fastify();
await app.register(mercurius, {
  schema: BALANCE_QUERY_SDL,
  jit: 1,
  resolvers: balanceResolvers(base, memory, token),
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`LISTENING ${process.env.PORT}`);
// A normal exit on SIGTERM, so `bench:profile --cpu-prof` gets its profile written.
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
