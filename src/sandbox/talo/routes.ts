/**
 * Talo's own paths: token issuance and the payments API, with Talo's `{ message, error, data }` bodies
 * and status codes (400/401/403/404/422). Every check runs before any state changes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type SandboxRuntime } from '../server.js';
import { TALO_CREATE_PAYMENT_STATUS, TALO_HTTP_STATUS as HTTP, TALO_TOKEN_PATH, type TaloEnvelope } from '../../providers/talo/assumptions.js';
import { createPayment, refresh, toWire } from './payments.js';
import { taloCredentials, type TaloCredentials, type TaloSandboxOptions } from './options.js';
import type { TaloState } from './state.js';
import { validateCreatePayment, validateTokenRequest } from './validation.js';

type Runtime = SandboxRuntime<TaloState>;

export const taloErrorBody = (_status: number, message: string): TaloEnvelope<null> => ({ message, error: true, data: null });

const succeed = <T>(reply: FastifyReply, status: number, message: string, data: T): FastifyReply =>
  reply.code(status).send({ message, error: false, data } satisfies TaloEnvelope<T>);

const refuse = (reply: FastifyReply, status: number, message: string): FastifyReply => reply.code(status).send(taloErrorBody(status, message));

/** The sandbox's own base URL as the client reached it, for `payment_url`. */
export const requestOrigin = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

/** Constant-time comparison of two strings of any length (hashes first, so lengths leak nothing). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function credentialsMatch(account: TaloCredentials, clientId: string, clientSecret: string): boolean {
  // Evaluate both comparisons, so a right client id with a wrong secret costs the same time.
  const idOk = sameSecret(account.clientId, clientId);
  const secretOk = sameSecret(account.clientSecret, clientSecret);
  return idOk && secretOk;
}

/** The user the bearer token acts for, or a 401 already sent. */
function authenticate(runtime: Runtime, request: FastifyRequest, reply: FastifyReply): string | undefined {
  const check = runtime.tokens.check(bearerToken(request));
  if (check.ok) return check.subject;
  const messages = { missing: 'Missing access token', unknown: 'Invalid access token', expired: 'Access token expired' };
  refuse(reply, HTTP.unauthorized, messages[check.reason]);
  return undefined;
}

export function registerTaloRoutes(app: FastifyInstance, runtime: Runtime, options: TaloSandboxOptions): void {
  const accounts = taloCredentials(options);
  const cvuField = options.quoteCvuField ?? 'cvu';

  app.post(TALO_TOKEN_PATH.replace('{user_id}', ':user_id'), async (request, reply) => {
    const { user_id: userId } = request.params as { user_id: string };
    const body = validateTokenRequest(request.body);
    if (!body.ok) return refuse(reply, HTTP.validation, body.message);
    const account = accounts.find((a) => a.userId === userId);
    // One message for an unknown user and a wrong secret: the answer must not reveal which user ids exist.
    if (!account || !credentialsMatch(account, body.value.clientId, body.value.clientSecret)) {
      return refuse(reply, HTTP.unauthorized, 'Invalid credentials');
    }
    const { token } = runtime.tokens.issue(account.userId);
    return succeed(reply, 200, 'Token generado', { token });
  });

  const create = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const userId = authenticate(runtime, request, reply);
    if (!userId) return reply;
    const input = validateCreatePayment(request.body, runtime.state.clock());
    if (!input.ok) return refuse(reply, HTTP.validation, input.message);
    if (input.value.userId !== userId) return refuse(reply, HTTP.forbidden, 'user_id does not match the access token');
    const payment = createPayment(runtime.state, input.value);
    return succeed(reply, TALO_CREATE_PAYMENT_STATUS, 'Pago creado', toWire(payment, requestOrigin(request), cvuField));
  };
  // Talo's examples write `/payments/`; clients that drop the slash work against the real API too.
  app.post('/payments/', create);
  app.post('/payments', create);

  app.get('/payments/:id', async (request, reply) => {
    const userId = authenticate(runtime, request, reply);
    if (!userId) return reply;
    const { id } = request.params as { id: string };
    const payment = runtime.state.payments.get(id);
    if (!payment) return refuse(reply, HTTP.notFound, `Payment ${id} not found`);
    if (payment.userId !== userId) return refuse(reply, HTTP.forbidden, 'This payment belongs to another user');
    return succeed(reply, 200, 'Pago obtenido', toWire(refresh(runtime, payment), requestOrigin(request), cvuField));
  });
}
