/**
 * TelePagos notifications, in either of two accepted variants (the documents describe none):
 * - signed: the assumed format, `X-Signature` HMAC of the raw body on POST /webhooks/telepagos (no
 *   timestamp: a captured notice stays valid, and only the pipeline's memory of published states stops
 *   its replay); its signed `status` is the state;
 * - hint: any body, on the secret URL POST /webhooks/telepagos/<token> (or signed in another shape),
 *   read for cash-in and cash-out ids only (TELEPAGOS_HINT_PATTERNS); the state is what TelePagos
 *   answers when the object is read, never the body's.
 * Either way the object is read from TelePagos before anything is published.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TelepagosConfig } from './config.js';
import {
  CASHIN_CREDITED_STATE,
  CASHIN_FINAL_STATES,
  NOTIFICATION_EVENTS,
  SIGNATURE_HEADER,
  TELEPAGOS_HINT_PATTERNS,
  TELEPAGOS_NOTIFICATION_AUTH,
  isTelepagosId,
  TX_STATUS,
  verifyTelepagosSignature,
  type TelepagosHintKind,
} from './assumptions.js';
import type { CashinSource, CashoutSource } from '../capabilities.js';

/** What confirming a TelePagos notice reads: the cash-in, or the cash-out's voucher. */
interface Readers {
  cashins: CashinSource;
  cashouts: CashoutSource;
}
import { ProviderError } from '../errors.js';
import { sameWebhookToken, tokenParam, webhookPath, webhookToken } from '../webhook-url.js';
import { cashinValue, cashoutValue } from '../../events/values.js';
import type { CallContext } from '../../domain/models.js';
import { findHints, type Hint } from '../../webhooks/hints.js';
import type { Confirmed, ProviderNotifications, WebhookHandler } from '../../webhooks/pipeline.js';

interface SignedNotice {
  variant: 'signed';
  event: string;
  id: string;
  status: string;
  date?: string;
}

interface HintNotice {
  variant: 'hint';
  /** Candidate objects, most telling first (at most HINT_MAX_IDS). */
  hints: Hint<TelepagosHintKind>[];
}

type TelepagosNotice = SignedNotice | HintNotice;

/** The object key of a cash-in or cash-out, the same whichever variant notified it. */
const EVENT_OF: Record<TelepagosHintKind, string> = { cashin: NOTIFICATION_EVENTS.cashinCredited, cashout: NOTIFICATION_EVENTS.cashoutUpdated };
const objectOf = (event: string, id: string) => `${event}:${id}`;

/** A signed status as a state: `Aprobada` is the credited state a read confirms. */
function signedState(status: string): string {
  return status === TX_STATUS.approved ? CASHIN_CREDITED_STATE : status;
}

/** `YYYY-MM-DD HH:MM:SS` Argentina time → ISO with its offset; now when absent or unreadable. */
function occurredAt(date: string | undefined): string {
  const match = date && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(date);
  return match ? new Date(`${match[1]}T${match[2]}-03:00`).toISOString() : new Date().toISOString();
}

/** The assumed signed format, or null when the body is anything else. */
function signedNotice(json: unknown): SignedNotice | null {
  const body = json as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return null;
  const events: string[] = Object.values(NOTIFICATION_EVENTS);
  const id = typeof body.id === 'number' || typeof body.id === 'string' ? String(body.id) : '';
  if (typeof body.event !== 'string' || !events.includes(body.event) || !isTelepagosId(id)) return null;
  return {
    variant: 'signed',
    event: body.event,
    id,
    status: typeof body.status === 'string' ? body.status : '',
    date: typeof body.date === 'string' ? body.date : undefined,
  };
}

async function confirmSigned(notice: SignedNotice, readers: Readers, call: CallContext): Promise<Confirmed> {
  // The notice's status is the state (the body is signed); the read confirms the object exists.
  const state = signedState(notice.status);
  if (notice.event === NOTIFICATION_EVENTS.cashinCredited) {
    const cashin = await readers.cashins.cashin(notice.id, call);
    return {
      state,
      final: CASHIN_FINAL_STATES.includes(state),
      event: { type: 'CASHIN_RECEIVED', occurredAt: occurredAt(notice.date), cashin: cashinValue(cashin) },
    };
  }
  await readers.cashouts.voucher(notice.id, call);
  const observedAt = new Date().toISOString();
  return {
    state,
    final: false,
    event: { type: 'CASHOUT_UPDATED', occurredAt: occurredAt(notice.date), observedAt, cashout: cashoutValue('TELEPAGOS', notice.id) },
  };
}

/** Reads one candidate from TelePagos: its confirmed state, or null when TelePagos does not know it. */
async function readHint(hint: Hint<TelepagosHintKind>, readers: Readers, call: CallContext): Promise<Confirmed | null> {
  const object = objectOf(EVENT_OF[hint.kind], hint.id);
  const occurred = new Date().toISOString();
  try {
    if (hint.kind === 'cashin') {
      const cashin = await readers.cashins.cashin(hint.id, call);
      return { object, state: CASHIN_CREDITED_STATE, final: true, event: { type: 'CASHIN_RECEIVED', occurredAt: occurred, cashin: cashinValue(cashin) } };
    }
    // A cash-out's only readable state is its receipt: a changed receipt is a change.
    const voucher = await readers.cashouts.voucher(hint.id, call);
    const state = `voucher:${createHash('sha256').update(voucher).digest('hex').slice(0, 16)}`;
    return {
      object,
      state,
      final: false,
      event: { type: 'CASHOUT_UPDATED', occurredAt: occurred, observedAt: occurred, cashout: cashoutValue('TELEPAGOS', hint.id) },
    };
  } catch (error) {
    if (error instanceof ProviderError && error.reason === 'NOT_FOUND') return null;
    throw error;
  }
}

/** The first candidate TelePagos knows, read in order (at most HINT_MAX_IDS reads). */
async function confirmHints(notice: HintNotice, readers: Readers, call: CallContext): Promise<Confirmed> {
  for (const hint of notice.hints) {
    const confirmed = await readHint(hint, readers, call);
    if (confirmed) return confirmed;
  }
  throw new ProviderError('TelePagos knows none of the notified ids', { provider: 'TELEPAGOS', reason: 'NOT_FOUND' });
}

export function telepagosWebhook(config: TelepagosConfig, readers: () => Readers): WebhookHandler<TelepagosNotice> {
  const token = webhookToken('TELEPAGOS', config.webhookSecret);
  const viaToken = (request: FastifyRequest) => tokenParam(request.params) !== undefined;
  return {
    provider: 'TELEPAGOS',
    authenticate(request, raw) {
      const given = tokenParam(request.params);
      if (given !== undefined) return sameWebhookToken(given, token) ? null : 'unknown webhook path';
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
      if (typeof header !== 'string') return 'no signature';
      return verifyTelepagosSignature(header, raw, config.webhookSecret.reveal()) ? null : 'bad signature';
    },
    parse(json, request) {
      // Only a signed body's status is believed; on the token URL the same format is a hint like any other.
      const signed = viaToken(request) ? null : signedNotice(json);
      if (signed) return signed;
      const hints = findHints(json, TELEPAGOS_HINT_PATTERNS);
      return hints.length > 0 ? { variant: 'hint', hints } : null;
    },
    // A signed body claims the status: a notice of a status already published costs no call. A hint
    // claims nothing: only an object already final is known without asking TelePagos.
    notice: (notice) =>
      notice.variant === 'signed'
        ? { object: objectOf(notice.event, notice.id), claimed: signedState(notice.status) }
        : { object: objectOf(EVENT_OF[notice.hints[0]!.kind], notice.hints[0]!.id) },
    confirm: (notice, call) => (notice.variant === 'signed' ? confirmSigned(notice, readers(), call) : confirmHints(notice, readers(), call)),
  };
}

/** TelePagos notifies signed on the bare path and unsigned on the secret token path; a notice reads the cash-in or the cash-out's voucher. */
export const telepagosNotifications: ProviderNotifications = {
  provider: 'TELEPAGOS',
  auth: TELEPAGOS_NOTIFICATION_AUTH,
  handler: (config, capability) =>
    config.telepagos && telepagosWebhook(config.telepagos, () => ({ cashins: capability('cashins')(), cashouts: capability('cashouts')() })),
  // The URL of TelePagos' panel: the signed bare path.
  sandboxTarget: (_config, publicUrl) => `${publicUrl}${webhookPath('TELEPAGOS')}`,
};
