/**
 * TelePagos notifications: X-Signature HMAC of the raw body (no timestamp: a captured notice stays
 * valid, and only the pipeline's memory of published states stops its replay); confirmed by reading
 * the cash-in or cash-out.
 */
import type { TelepagosConfig } from '../config.js';
import { NOTIFICATION_EVENTS, SIGNATURE_HEADER, verifyTelepagosSignature } from '../providers/telepagos/assumptions.js';
import type { TelepagosClient } from '../providers/telepagos/client.js';
import { cashinValue } from '../modules/cash-in/cashin.resolver.js';
import { cashoutValue } from '../modules/cashouts/cashout.resolver.js';
import type { WebhookHandler } from './pipeline.js';

interface TelepagosNotice {
  event: string;
  id: string;
  status: string;
  date?: string;
}

/** `YYYY-MM-DD HH:MM:SS` Argentina time → ISO with its offset; now when absent or unreadable. */
function occurredAt(date: string | undefined): string {
  const match = date && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(date);
  return match ? new Date(`${match[1]}T${match[2]}-03:00`).toISOString() : new Date().toISOString();
}

export function telepagosWebhook(config: TelepagosConfig, client: () => TelepagosClient): WebhookHandler<TelepagosNotice> {
  return {
    provider: 'TELEPAGOS',
    authenticate(request, raw) {
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
      if (typeof header !== 'string') return 'no signature';
      return verifyTelepagosSignature(header, raw, config.webhookSecret.reveal()) ? null : 'bad signature';
    },
    parse(json) {
      const body = json as Record<string, unknown> | null;
      if (!body || typeof body !== 'object') return null;
      const events: string[] = Object.values(NOTIFICATION_EVENTS);
      const id = typeof body.id === 'number' || typeof body.id === 'string' ? String(body.id) : '';
      if (typeof body.event !== 'string' || !events.includes(body.event) || !/^\d{1,18}$/.test(id)) return null;
      return { event: body.event, id, status: typeof body.status === 'string' ? body.status : '', date: typeof body.date === 'string' ? body.date : undefined };
    },
    // The signed body claims the status: a notice of a status already published costs no call.
    notice: (notice) => ({ object: `${notice.event}:${notice.id}`, claimed: notice.status }),
    async confirm(notice, call) {
      // The notice's status is the state (the body is signed); the read confirms the object exists.
      const state = notice.status;
      if (notice.event === NOTIFICATION_EVENTS.cashinCredited) {
        const cashin = await client().cashin(notice.id, call);
        return { state, final: false, event: { type: 'CASHIN_RECEIVED', occurredAt: occurredAt(notice.date), cashin: cashinValue(cashin) } };
      }
      await client().cashoutVoucher(notice.id, call);
      return { state, final: false, event: { type: 'CASHOUT_UPDATED', occurredAt: occurredAt(notice.date), cashout: cashoutValue('TELEPAGOS', notice.id) } };
    },
  };
}
