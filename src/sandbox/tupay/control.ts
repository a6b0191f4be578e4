/**
 * Tupay-specific control routes under `/_sandbox/`: make deposits and cash-outs appear and change
 * status (as Tupay's side would), set the notification URL and the IP allow-list. Every deposit
 * creation and status change sends the signed `{ deposit_id }` notification when a URL is set (or, with
 * the notifier's `shape: 'hint'`, another body shape, unsigned).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  TUPAY_CASHOUT_STATUSES,
  TUPAY_DEPOSIT_STATUSES,
  TUPAY_PAYMENT_METHODS,
  TUPAY_SIGNATURE_HEADERS,
  tupayAuthorizationHeader,
  tupayDateHeader,
  type TupayNotificationBody,
  type TupayPaymentMethod,
} from '../../providers/tupay/assumptions.js';
import type { WebhookDelivery, WebhookSigner } from '../notifier.js';
import { parseAmountCents } from '../random.js';
import type { SandboxRuntime } from '../server.js';
import { CURRENCIES, cashoutToWire, depositToWire, type Currency, type Deposit } from './records.js';
import { createCashout, createDeposit, setCashoutStatus, setDepositStatus, type TupayState } from './state.js';

type Runtime = SandboxRuntime<TupayState>;
type Body = Record<string, unknown>;

export interface NotificationSettings {
  /** `X-Login` of notifications. */
  login: string;
  /** HMAC secret of their `Authorization` header. */
  secret: string;
}

const P = '/_sandbox';

function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback?: T): T | undefined {
  if (value === undefined && fallback !== undefined) return fallback;
  return allowed.includes(value as T) ? (value as T) : undefined;
}

/** The parts every new record shares, validated; a string is the reason for refusing. */
function readNewRecord(
  state: TupayState,
  body: Body,
): { amountCents: number; currency: Currency; clientDocument: string; externalId?: string; createdSec?: number } | string {
  const amountCents = parseAmountCents(body.amount);
  if (amountCents === null) return 'amount must be positive with at most 2 decimals';
  const currency = oneOf(body.currency, CURRENCIES, 'PEN');
  if (!currency) return `currency must be one of ${CURRENCIES.join(', ')}`;
  const clientDocument = body.clientDocument ?? state.documents[0];
  if (typeof clientDocument !== 'string' || !/^[0-9A-Za-z]{6,20}$/.test(clientDocument)) return 'clientDocument must be 6 to 20 letters or digits';
  if (body.externalId !== undefined && (typeof body.externalId !== 'string' || body.externalId === '')) return 'externalId must be a non-empty string';
  // `createdAt` (an ISO instant, default now) places a record in the history: tests of merged listings
  // use it to put rows of several providers at the same second.
  let createdSec: number | undefined;
  if (body.createdAt !== undefined) {
    const ms = typeof body.createdAt === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(body.createdAt) ? Date.parse(body.createdAt) : Number.NaN;
    if (!Number.isFinite(ms) || ms < 0) return 'createdAt must be an ISO 8601 instant such as 2026-01-10T13:41:57Z';
    createdSec = Math.floor(ms / 1000);
  }
  return {
    amountCents,
    currency,
    clientDocument,
    ...(body.externalId ? { externalId: body.externalId as string } : {}),
    ...(createdSec !== undefined && { createdSec }),
  };
}

function signer(settings: NotificationSettings): WebhookSigner {
  return (rawBody) => {
    // Real time, not sandbox time: a receiver checks X-Date against its own clock.
    const date = tupayDateHeader(new Date());
    return {
      [TUPAY_SIGNATURE_HEADERS.date]: date,
      [TUPAY_SIGNATURE_HEADERS.login]: settings.login,
      [TUPAY_SIGNATURE_HEADERS.authorization]: tupayAuthorizationHeader(date, settings.login, rawBody, settings.secret),
    };
  };
}

/**
 * The `hint` shape of a deposit notification (`shape: 'hint'`, `PUT /_sandbox/webhooks/config`): the
 * deposit under other names, its id a string, with its creation date and extra fields; sent unsigned.
 */
export function hintNotification(deposit: Deposit): unknown {
  return {
    type: 'payin.status_changed',
    data: {
      payin: { id: String(deposit.id), creationDate: new Date(deposit.createdSec * 1000).toISOString(), status: deposit.status, reference: deposit.externalId },
    },
    sentAt: Math.floor(Date.now() / 1000),
  };
}

function notify(runtime: Runtime, settings: NotificationSettings, deposit: Deposit): WebhookDelivery | undefined {
  const url = runtime.state.webhookUrl;
  if (!url) return undefined;
  if (runtime.notifier.options.shape === 'hint') return runtime.notifier.send(url, hintNotification(deposit));
  const body: TupayNotificationBody = { deposit_id: deposit.id };
  return runtime.notifier.send(url, body, signer(settings));
}

function registerDepositControl(app: FastifyInstance, runtime: Runtime, settings: NotificationSettings): void {
  const findDeposit = (id: string) => runtime.state.deposits.get(Number(id));

  app.post(`${P}/deposits`, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const common = readNewRecord(runtime.state, body);
    if (typeof common === 'string') return refuse(reply, 400, common);
    const paymentMethod = oneOf<TupayPaymentMethod>(body.paymentMethod, TUPAY_PAYMENT_METHODS, 'XA');
    if (!paymentMethod) return refuse(reply, 400, `paymentMethod must be one of ${TUPAY_PAYMENT_METHODS.join(', ')}`);
    const deposit = createDeposit(runtime.state, { ...common, paymentMethod, status: 'PENDING' });
    notify(runtime, settings, deposit);
    return reply.code(201).send(depositToWire(deposit));
  });

  app.post(`${P}/deposits/:id/status`, async (request, reply) => {
    const deposit = findDeposit((request.params as { id: string }).id);
    if (!deposit) return refuse(reply, 404, 'no such deposit');
    const status = oneOf((request.body as Body | undefined)?.status, TUPAY_DEPOSIT_STATUSES);
    if (!status) return refuse(reply, 400, `status must be one of ${TUPAY_DEPOSIT_STATUSES.join(', ')}`);
    if (setDepositStatus(runtime.state, deposit, status)) notify(runtime, settings, deposit);
    return depositToWire(deposit);
  });

  // Tupay may notify more than once: resend the current notification on demand.
  app.post(`${P}/deposits/:id/notify`, async (request, reply) => {
    const deposit = findDeposit((request.params as { id: string }).id);
    if (!deposit) return refuse(reply, 404, 'no such deposit');
    const delivery = notify(runtime, settings, deposit);
    if (!delivery) return refuse(reply, 409, 'no notification URL set (PUT /_sandbox/webhook)');
    return reply.code(202).send({ delivery });
  });
}

function registerCashoutControl(app: FastifyInstance, runtime: Runtime): void {
  app.post(`${P}/cashouts`, async (request, reply) => {
    const common = readNewRecord(runtime.state, (request.body ?? {}) as Body);
    if (typeof common === 'string') return refuse(reply, 400, common);
    const cashout = createCashout(runtime.state, { ...common, status: 'PENDING' });
    return reply.code(201).send(cashoutToWire(cashout));
  });

  app.post(`${P}/cashouts/:id/status`, async (request, reply) => {
    const cashout = runtime.state.cashouts.get(Number((request.params as { id: string }).id));
    if (!cashout) return refuse(reply, 404, 'no such cash-out');
    const status = oneOf((request.body as Body | undefined)?.status, TUPAY_CASHOUT_STATUSES);
    if (!status) return refuse(reply, 400, `status must be one of ${TUPAY_CASHOUT_STATUSES.join(', ')}`);
    setCashoutStatus(runtime.state, cashout, status);
    return cashoutToWire(cashout);
  });
}

function registerSettingsControl(app: FastifyInstance, runtime: Runtime): void {
  app.get(`${P}/summary`, async () => {
    const { state } = runtime;
    return {
      now: new Date(state.nowSec() * 1000).toISOString(),
      deposits: state.deposits.size,
      cashouts: state.cashouts.size,
      documents: state.documents,
      webhookUrl: state.webhookUrl,
      allowedIps: state.allowedIps,
    };
  });

  app.put(`${P}/webhook`, async (request, reply) => {
    const { url } = (request.body ?? {}) as Body;
    if (url !== null && (typeof url !== 'string' || !URL.canParse(url))) return refuse(reply, 400, 'url must be an absolute URL or null');
    runtime.state.webhookUrl = url;
    return { url };
  });

  app.put(`${P}/allowed-ips`, async (request, reply) => {
    const { ips } = (request.body ?? {}) as Body;
    const valid = ips === null || (Array.isArray(ips) && ips.every((ip) => typeof ip === 'string' && ip !== ''));
    if (!valid) return refuse(reply, 400, 'ips must be an array of IP addresses, or null to allow every IP');
    runtime.state.allowedIps = ips as string[] | null;
    return { ips };
  });
}

export function registerControl(app: FastifyInstance, runtime: Runtime, settings: NotificationSettings): void {
  registerDepositControl(app, runtime, settings);
  registerCashoutControl(app, runtime);
  registerSettingsControl(app, runtime);
}
