/**
 * Tupay deposit notifications: X-Date, X-Login and `Authorization: TUPAY <HMAC>` over date + login +
 * raw body, with the date within a tolerance (no replays of old signatures); confirmed by finding the
 * deposit in Tupay's recent deposits. Published when the money is in (APPROVED or COMPLETED).
 */
import type { TupayConfig } from '../config.js';
import { ProviderError } from '../providers/errors.js';
import { TUPAY_SIGNATURE_HEADERS, verifyTupaySignature } from '../providers/tupay/assumptions.js';
import type { TupayClient } from '../providers/tupay/client.js';
import { cashinValue } from '../modules/cash-in/cashin.resolver.js';
import { timestampWithinTolerance, type WebhookHandler } from './pipeline.js';

/** How far back a notified deposit is looked for (Tupay retries for about 13 hours). */
export const TUPAY_CONFIRM_LOOKBACK_DAYS = 7;
/** Normalized statuses that mean the money arrived. */
const RECEIVED = new Set(['IN_PROGRESS', 'COMPLETED']);
/** Normalized statuses after which a deposit changes no more. */
const FINAL = new Set(['COMPLETED', 'CANCELLED', 'REJECTED']);

interface TupayNotice {
  depositId: string;
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function tupayWebhook(config: TupayConfig, client: () => TupayClient): WebhookHandler<TupayNotice> {
  return {
    provider: 'TUPAY',
    authenticate(request, raw) {
      const date = header(request.headers[TUPAY_SIGNATURE_HEADERS.date.toLowerCase()]);
      const login = header(request.headers[TUPAY_SIGNATURE_HEADERS.login.toLowerCase()]);
      if (!date || !login) return 'missing X-Date or X-Login';
      if (login !== config.webhookLogin) return 'unknown X-Login';
      const at = Date.parse(date);
      if (!timestampWithinTolerance(at)) return 'X-Date outside the tolerance';
      const authorization = header(request.headers.authorization);
      return verifyTupaySignature(authorization, date, login, raw, config.webhookSecret.reveal()) ? null : 'bad signature';
    },
    parse(json) {
      const body = json as Record<string, unknown> | null;
      const id = body && typeof body === 'object' ? body.deposit_id : undefined;
      const depositId = typeof id === 'number' || typeof id === 'string' ? String(id) : '';
      return /^\d{1,18}$/.test(depositId) ? { depositId } : null;
    },
    // The body claims no state: only a deposit already final is known without asking Tupay.
    notice: (notice) => ({ object: `deposit:${notice.depositId}` }),
    async confirm(notice, call) {
      const to = new Date();
      const from = new Date(to.getTime() - TUPAY_CONFIRM_LOOKBACK_DAYS * 86_400_000);
      const deposit = (await client().deposits({ from, to }, {}, call)).find((d) => d.id === notice.depositId);
      if (!deposit) {
        throw new ProviderError('Tupay does not list the notified deposit', { provider: 'TUPAY', reason: 'NOT_FOUND' });
      }
      const state = deposit.providerStatus;
      const final = FINAL.has(deposit.status);
      if (!RECEIVED.has(deposit.status)) return { state, final, event: null };
      const cashin = cashinValue({ provider: 'TUPAY', id: deposit.id, amount: deposit.amount, buyer: deposit.counterparty });
      return { state, final, event: { type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString(), cashin } };
    },
  };
}
