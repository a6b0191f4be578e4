/** Every TelePagos API route, under the `/v2/...` paths of assumptions.ts. */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from './endpoint.js';
import { registerAccountRoutes } from './routes-account.js';
import { registerCollectRoutes } from './routes-collect.js';
import { registerPaymentRoutes } from './routes-payment.js';

export function registerTelepagosRoutes(app: FastifyInstance, runtime: Runtime): void {
  registerAccountRoutes(app, runtime);
  registerPaymentRoutes(app, runtime);
  registerCollectRoutes(app, runtime);
}
