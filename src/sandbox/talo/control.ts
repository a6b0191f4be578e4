/**
 * Talo-specific control routes under `/_sandbox/`: what a payer or Talo's back office would do (send a
 * transfer, reject, cancel, expire, review) so tests and demos drive every status without a bank.
 * Errors use the common control shape `{ error }`: these are not Talo's paths.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxRuntime } from '../server.js';
import { parseAmountCents } from '../random.js';
import { isTaloPaymentStatus, TALO_PAYMENT_STATUSES } from '../../providers/talo/assumptions.js';
import { forceStatus, receiveTransfer, receivedCents, refresh, toWire, type ChangeResult } from './payments.js';
import type { TaloSandboxOptions } from './options.js';
import { requestOrigin } from './routes.js';
import type { TaloPayment, TaloState } from './state.js';
import { fromGlobalId } from '../../graphql/relay/global-id.js';

type Runtime = SandboxRuntime<TaloState>;
const P = '/_sandbox';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function registerTaloControl(app: FastifyInstance, runtime: Runtime, options: TaloSandboxOptions): void {
  const cvuField = options.quoteCvuField ?? 'cvu';

  /**
   * The payment named in the path — by Talo's id, or by the gateway's global id of a Talo payment, the
   * only id the GraphQL API shows — (expired if due), or a 404 already sent.
   */
  const find = (params: unknown, reply: FastifyReply): TaloPayment | undefined => {
    const payment = runtime.state.payments.get(taloIdOf((params as { id: string }).id));
    if (!payment) void reply.code(404).send({ error: 'payment not found' });
    return payment && refresh(runtime, payment);
  };

  const answer = (result: ChangeResult, reply: FastifyReply, origin: string, status: number): FastifyReply =>
    result.ok ? reply.code(status).send({ payment: toWire(result.payment, origin, cvuField) }) : reply.code(result.status).send({ error: result.message });

  // Seeded payments have no creator to give them a webhook_url: this one (the embedded gateway sets it).
  app.put(`${P}/webhook`, async (request, reply) => {
    const url = (request.body as { url?: unknown } | undefined)?.url;
    if (url !== null && !isHttpUrl(url)) return reply.code(400).send({ error: 'url must be an absolute http(s) URL, or null' });
    const seeded = [...runtime.state.payments.values()].filter((p) => p.seeded);
    for (const payment of seeded) payment.webhookUrl = url ?? undefined;
    return { url, payments: seeded.map((p) => p.id) };
  });

  app.get(`${P}/payments`, async (request, reply) => {
    const { status, user_id: userId } = request.query as { status?: string; user_id?: string };
    if (status !== undefined && !isTaloPaymentStatus(status)) {
      return reply.code(400).send({ error: `status must be one of ${TALO_PAYMENT_STATUSES.join(', ')}` });
    }
    const payments = [...runtime.state.payments.values()]
      .map((p) => refresh(runtime, p))
      .filter((p) => (!status || p.status === status) && (!userId || p.userId === userId));
    return { payments: payments.map((p) => toWire(p, requestOrigin(request), cvuField)) };
  });

  app.get(`${P}/payments/:id`, async (request, reply) => {
    const payment = find(request.params, reply);
    return payment ? { payment: toWire(payment, requestOrigin(request), cvuField) } : reply;
  });

  app.post(`${P}/payments/:id/transfers`, async (request, reply) => {
    const amountCents = parseAmountCents((request.body as { amount?: unknown } | undefined)?.amount);
    if (amountCents === null) return reply.code(400).send({ error: 'amount must be a positive amount with at most two decimals' });
    const payment = find(request.params, reply);
    if (!payment) return reply;
    return answer(receiveTransfer(runtime, payment, amountCents), reply, requestOrigin(request), 201);
  });

  // Pays what is still owed (the whole price for a fresh payment), so the payment ends SUCCESS.
  app.post(`${P}/payments/:id/settle`, async (request, reply) => {
    const payment = find(request.params, reply);
    if (!payment) return reply;
    const owed = payment.priceCents - receivedCents(payment);
    if (owed <= 0) return reply.code(409).send({ error: `payment is ${payment.status}: nothing is owed` });
    return answer(receiveTransfer(runtime, payment, owed), reply, requestOrigin(request), 201);
  });

  app.post(`${P}/payments/:id/status`, async (request, reply) => {
    const status = (request.body as { status?: unknown } | undefined)?.status;
    if (!isTaloPaymentStatus(status)) return reply.code(400).send({ error: `unknown status ${JSON.stringify(status)}` });
    const payment = find(request.params, reply);
    if (!payment) return reply;
    return answer(forceStatus(runtime, payment, status), reply, requestOrigin(request), 200);
  });

  // Where `payment_url` points: a bare page with the transfer details, for demos in a browser.
  app.get(`${P}/checkout/:id`, async (request, reply) => {
    const payment = find(request.params, reply);
    if (!payment) return reply;
    const amount = (payment.priceCents / 100).toFixed(2);
    const html = `<!doctype html><meta charset="utf-8"><title>Talo sandbox</title>
<h1>Pagá $${amount} ARS por transferencia</h1>
<p>CVU <code>${payment.cvu}</code> · alias <code>${escapeHtml(payment.alias)}</code></p>
<p>${escapeHtml(payment.motive ?? '')} — estado <strong>${payment.status}</strong></p>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}

/** A gateway global id of a Talo payment (`Payment:TALO:<id>`, base64url) → Talo's id; anything else as given. */
function taloIdOf(id: string): string {
  const global = fromGlobalId(id);
  return global?.type === 'Payment' && global.provider === 'TALO' ? global.localId : id;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
