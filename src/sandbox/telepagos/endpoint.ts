/**
 * How every TelePagos route answers: authenticate (all but the token route), run the handler, wrap its
 * payload as `{ status: "ok", ... }`; a TelepagosError becomes `{ status: "error", message }` with its
 * HTTP status. Handlers return data and throw errors; they never touch the reply.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TELEPAGOS_MESSAGES } from '../../providers/telepagos/assumptions.js';
import { bearerToken, type SandboxRuntime } from '../server.js';
import { TelepagosError } from './input.js';
import type { TelepagosState } from './state.js';

export type Runtime = SandboxRuntime<TelepagosState>;
type Handler = (request: FastifyRequest, state: TelepagosState) => object;

const TOKEN_FAILURES = {
  missing: TELEPAGOS_MESSAGES.tokenMissing,
  unknown: TELEPAGOS_MESSAGES.tokenInvalid,
  expired: TELEPAGOS_MESSAGES.tokenExpired,
} as const;

function authenticate(runtime: Runtime, request: FastifyRequest): void {
  const check = runtime.tokens.check(bearerToken(request));
  if (!check.ok) throw new TelepagosError(runtime.state.config.tokenRefusalStatus, TOKEN_FAILURES[check.reason]);
}

export function endpoint(
  app: FastifyInstance,
  runtime: Runtime,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  handler: Handler,
  { auth = true }: { auth?: boolean } = {},
): void {
  app.route({
    method,
    url: `/${path}`,
    handler: async (request, reply) => {
      try {
        if (auth) authenticate(runtime, request);
        return reply.code(200).send({ status: 'ok', ...handler(request, runtime.state) });
      } catch (error) {
        if (!(error instanceof TelepagosError)) throw error;
        return reply.code(error.status).send(runtime.errorBody(error.status, error.message));
      }
    },
  });
}

/** The numeric `:id` of a path, or a 404 (a non-numeric id names nothing). */
export function pathId(request: FastifyRequest): number | null {
  const { id } = request.params as { id: string };
  return /^\d{1,9}$/.test(id) ? Number(id) : null;
}
