/**
 * TelePagos-specific control routes under `/_sandbox/`: what the outside world does to the account
 * (a buyer pays a QR order or a link, the bank rejects a transfer), where notifications go, and a summary
 * for tests. Errors answer `{ error }` like the common control routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CASHOUT_REPLAY_ANSWERS,
  OPERATION_IDS,
  TX_INCOME,
  TX_STATUS,
  formatArgentinaDateTime,
  type CashoutReplayAnswer,
  type OperationId,
  type TxStatus,
} from '../../providers/telepagos/assumptions.js';
import { normalizeCuit } from '../../domain/identifiers.js';
import { centsToDecimalString, parseAmountCents } from '../random.js';
import { pathId, type Runtime } from './endpoint.js';
import { FIXTURE_ACCOUNTS } from './fixtures.js';
import { TelepagosError, conflict, invalid, notFound, readCbu, type Fields } from './input.js';
import { cashInNotification, cashoutNotification, notify } from './notifications.js';
import { creditCashIn, rejectCashout } from './operations.js';
import { TOKEN_REFUSAL_STATUSES, type CashIn, type TelepagosState, type TokenRefusalStatus } from './state.js';

type ControlHandler = (request: FastifyRequest, state: TelepagosState) => { status?: number; body: unknown };

function control(runtime: Runtime, handler: ControlHandler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const { status = 200, body } = handler(request, runtime.state);
      return reply.code(status).send(body);
    } catch (error) {
      if (!(error instanceof TelepagosError)) throw error;
      return reply.code(error.status).send({ error: error.message });
    }
  };
}

/** `{ buyer: { cuit, cvu } }`, both optional; the default buyer is the fixture person. */
function readBuyer(body: unknown): CashIn['buyer'] {
  const buyer = ((body as Fields | undefined)?.buyer ?? {}) as Fields;
  const fallback = FIXTURE_ACCOUNTS.person;
  const cuit = buyer.cuit === undefined ? fallback.cuit : normalizeCuit(String(buyer.cuit));
  if (!cuit) throw invalid('buyer.cuit is not a valid CUIT');
  return { cuit, cvu: buyer.cvu === undefined ? fallback.cbu : readCbu(buyer.cvu, 'buyer.cvu') };
}

function paidAnswer(runtime: Runtime, cashIn: CashIn) {
  return {
    status: 201,
    body: {
      cashin_id: cashIn.id,
      transaction_id: cashIn.entry.number,
      amount: centsToDecimalString(cashIn.amountCents),
      notification_id: notify(runtime, cashInNotification(cashIn)),
    },
  };
}

export function registerTelepagosControl(app: FastifyInstance, runtime: Runtime): void {
  app.post(
    '/_sandbox/qr-orders/:id/pay',
    control(runtime, (request, state) => {
      const order = state.qrOrders.get(pathId(request) ?? -1);
      if (!order) throw notFound('QR order not found');
      if (order.cashInId !== null) throw conflict(`QR order ${order.id} is already paid`);
      const buyer = readBuyer(request.body);
      const salePointName = order.salePointId === null ? '' : (state.salePoints.get(order.salePointId)?.name ?? '');
      const cashIn = creditCashIn(state, {
        ...order,
        buyer,
        operation: OPERATION_IDS.qrPayment,
        salePointName,
        qrOrderId: order.id,
        linkId: null,
      });
      order.cashInId = cashIn.id;
      return paidAnswer(runtime, cashIn);
    }),
  );

  app.post(
    '/_sandbox/payment-links/:id/pay',
    control(runtime, (request, state) => {
      const link = state.paymentLinks.get(pathId(request) ?? -1);
      if (!link) throw notFound('Payment link not found');
      if (link.expiresAtMs <= state.clock.now()) throw conflict(`Payment link ${link.id} expired`);
      if (!link.multipleUse && link.cashInIds.length > 0) throw conflict(`Payment link ${link.id} is single-use and already paid`);
      const cashIn = creditCashIn(state, {
        amountCents: link.amountCents,
        concept: link.concept,
        description: `Link ${link.id}`,
        buyer: readBuyer(request.body),
        operation: OPERATION_IDS.linkPayment,
        salePointName: '',
        qrOrderId: null,
        linkId: link.id,
      });
      link.cashInIds.push(cashIn.id);
      return paidAnswer(runtime, cashIn);
    }),
  );

  app.post(
    '/_sandbox/cashouts/:id/reject',
    control(runtime, (request, state) => {
      const cashout = state.cashouts.get(pathId(request) ?? -1);
      if (!cashout) throw notFound('Cashout not found');
      rejectCashout(state, cashout);
      return { body: { id: cashout.id, status: cashout.entry.status, notification_id: notify(runtime, cashoutNotification(cashout)) } };
    }),
  );

  app.put(
    '/_sandbox/token-refusal',
    control(runtime, (request, state) => {
      const { status } = (request.body ?? {}) as { status?: unknown };
      if (!(TOKEN_REFUSAL_STATUSES as readonly unknown[]).includes(status)) throw invalid(`status must be one of ${TOKEN_REFUSAL_STATUSES.join(', ')}`);
      state.config.tokenRefusalStatus = status as TokenRefusalStatus;
      return { body: { status } };
    }),
  );

  // How a replay of a known reference_id is answered: `result` (documented, the default) or `conflict` (409).
  app.put(
    '/_sandbox/cashout-replays',
    control(runtime, (request, state) => {
      const { answer } = (request.body ?? {}) as { answer?: unknown };
      if (!(CASHOUT_REPLAY_ANSWERS as readonly unknown[]).includes(answer)) throw invalid(`answer must be one of ${CASHOUT_REPLAY_ANSWERS.join(', ')}`);
      state.config.cashoutReplayAnswer = answer as CashoutReplayAnswer;
      return { body: { answer } };
    }),
  );

  app.get(
    '/_sandbox/webhook',
    control(runtime, (_request, state) => ({ body: { url: state.config.webhookUrl } })),
  );
  app.put(
    '/_sandbox/webhook',
    control(runtime, (request, state) => {
      const { url } = (request.body ?? {}) as { url?: unknown };
      if (url !== null && (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))) throw invalid('url must be an http(s) URL or null');
      state.config.webhookUrl = url;
      return { body: { url } };
    }),
  );

  // A row in the account's history at a given instant (tests of merged listings put rows of several
  // providers at the same second). Only the listing changes: no balance, cash-in or cash-out record.
  app.post(
    '/_sandbox/transactions',
    control(runtime, (request, state) => {
      const body = (request.body ?? {}) as Fields;
      const atMs = typeof body.at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(body.at) ? Date.parse(body.at) : Number.NaN;
      if (!Number.isFinite(atMs)) throw invalid('at must be an ISO 8601 instant such as 2026-01-10T13:41:57Z');
      const amountCents = parseAmountCents(body.amount);
      if (amountCents === null) throw invalid('amount must be positive with at most 2 decimals');
      const operation = (body.operation ?? OPERATION_IDS.transferIn) as OperationId;
      if (!(Object.values(OPERATION_IDS) as string[]).includes(operation)) throw invalid(`operation must be one of ${Object.values(OPERATION_IDS).join(', ')}`);
      const outgoing = operation === OPERATION_IDS.cashout || operation === OPERATION_IDS.servicePayment;
      const status = (body.status ?? TX_STATUS.approved) as TxStatus;
      if (!(Object.values(TX_STATUS) as string[]).includes(status)) throw invalid(`status must be one of ${Object.values(TX_STATUS).join(', ')}`);
      const holder = typeof body.holder === 'string' ? body.holder : FIXTURE_ACCOUNTS.person.holder;
      const entry = state.ledger.add({
        atMs: Math.floor(atMs / 1000) * 1000,
        income: outgoing ? TX_INCOME.out : TX_INCOME.in,
        amountCents,
        operation,
        holder,
        cuit: FIXTURE_ACCOUNTS.person.cuit,
        cvuCbu: FIXTURE_ACCOUNTS.person.cbu,
        status,
        salePointName: '',
      });
      return { status: 201, body: { date: formatArgentinaDateTime(entry.atMs), amount: centsToDecimalString(entry.amountCents), operation, status } };
    }),
  );

  app.get(
    '/_sandbox/state/summary',
    control(runtime, (_request, state) => ({
      body: {
        now: formatArgentinaDateTime(state.clock.now()),
        balance_cents: state.balanceCents,
        balance: centsToDecimalString(state.balanceCents),
        transactions: state.ledger.size,
        cashouts: state.cashouts.size,
        cashins: state.cashIns.size,
        qr_orders: state.qrOrders.size,
        payment_links: state.paymentLinks.size,
        transfer_links: state.transferLinks.length,
        sale_points: state.salePoints.size,
        webhook_url: state.config.webhookUrl,
      },
    })),
  );
}
