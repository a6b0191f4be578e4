/**
 * Tupay deposit notifications, in either of two accepted variants:
 * - signed (assumed): X-Date, X-Login and `Authorization: TUPAY <HMAC>` over date + login + raw body,
 *   with the date within a tolerance (no replays of old signatures), on POST /webhooks/tupay;
 * - on the secret URL POST /webhooks/tupay/<token>, unsigned.
 * Either way the body is only a hint, read for deposit ids (TUPAY_HINT_PATTERNS; the documented
 * `{ deposit_id }` is one such body) and for a moment to look around (a body timestamp, else X-Date,
 * else the arrival). The deposit is then found in Tupay's listing by a bounded search around that
 * moment, then by id order at any age (TUPAY_HINT_* in assumptions.ts: at most
 * TUPAY_HINT_MAX_LISTING_CALLS calls), and its state is Tupay's. Published when the money is in (APPROVED or COMPLETED).
 */
import type { FastifyRequest } from 'fastify';
import type { TupayConfig } from './config.js';
import type { CallContext } from '../../domain/models.js';
import { ProviderError } from '../errors.js';
import {
  TUPAY_DEPOSIT_IDS_INCREASE,
  TUPAY_HINT_NARROW_MAX_PAGES,
  TUPAY_HINT_NARROW_WINDOW_SECONDS,
  TUPAY_HINT_PATTERNS,
  TUPAY_HINT_TIMESTAMP_ACCEPT,
  TUPAY_HINT_TIMESTAMP_FIELDS,
  TUPAY_HINT_WIDE_SLICES_HOURS,
  TUPAY_HINT_WIDE_MAX_PAGES,
  TUPAY_NOTIFICATION_AUTH,
  TUPAY_SIGNATURE_HEADERS,
  verifyTupaySignature,
} from './assumptions.js';
import type { DepositFinder, DepositSearch } from '../capabilities.js';
import type { TupayRange } from './client.js';
import { sameWebhookToken, tokenParam, webhookPath, webhookToken } from '../webhook-url.js';
import { cashinValue } from '../../events/values.js';
import { findHints, findTimestamp } from '../../webhooks/hints.js';
import { timestampWithinTolerance, type Confirmed, type ProviderNotifications, type WebhookHandler } from '../../webhooks/pipeline.js';

/** Normalized statuses that mean the money arrived. */
const RECEIVED = new Set(['IN_PROGRESS', 'COMPLETED']);
/** Normalized statuses after which a deposit changes no more. */
const FINAL = new Set(['COMPLETED', 'CANCELLED', 'REJECTED']);

interface TupayNotice {
  /** Candidate deposit ids, most telling first. */
  depositIds: string[];
  /** The moment the deposit is looked for around. */
  at: Date;
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Where a notified deposit is looked for: narrow around `at`, then widened once: sought by id order at
 * any age made up to the narrow window's end, or (TUPAY_DEPOSIT_IDS_INCREASE off) in slices going back
 * from the narrow window, the most recent first (TUPAY_HINT_* in assumptions.ts).
 */
export function depositSearches(at: Date, idsIncrease = TUPAY_DEPOSIT_IDS_INCREASE): DepositSearch[] {
  const narrowMs = TUPAY_HINT_NARROW_WINDOW_SECONDS * 1000;
  const narrow = { from: new Date(at.getTime() - narrowMs), to: new Date(at.getTime() + narrowMs) };
  if (idsIncrease) {
    return [
      { ranges: [narrow], maxPages: TUPAY_HINT_NARROW_MAX_PAGES },
      { notAfter: narrow.to, maxPages: TUPAY_HINT_WIDE_MAX_PAGES },
    ];
  }
  const slices: TupayRange[] = [];
  let end = narrow.from.getTime() - 1000;
  for (const hours of TUPAY_HINT_WIDE_SLICES_HOURS) {
    const from = end - hours * 3_600_000 + 1000;
    slices.push({ from: new Date(from), to: new Date(end) });
    end = from - 1000;
  }
  return [
    { ranges: [narrow], maxPages: TUPAY_HINT_NARROW_MAX_PAGES },
    { ranges: slices, maxPages: TUPAY_HINT_WIDE_MAX_PAGES },
  ];
}

/** A body timestamp, else the (authenticated) X-Date, else now. */
function momentOf(json: unknown, request: FastifyRequest): Date {
  const inBody = findTimestamp(json, { fields: TUPAY_HINT_TIMESTAMP_FIELDS }, TUPAY_HINT_TIMESTAMP_ACCEPT);
  if (inBody) return inBody;
  const signedAt = tokenParam(request.params) === undefined ? Date.parse(header(request.headers[TUPAY_SIGNATURE_HEADERS.date.toLowerCase()]) ?? '') : NaN;
  return Number.isNaN(signedAt) ? new Date() : new Date(signedAt);
}

async function confirmDeposit(notice: TupayNotice, finder: DepositFinder, call: CallContext): Promise<Confirmed> {
  const { deposit, complete } = await finder.findDeposit(notice.depositIds, depositSearches(notice.at), call);
  if (!deposit) {
    if (!complete) throw new ProviderError('The notified deposit was not found within the bounded search', { provider: 'TUPAY', reason: 'TIMEOUT' });
    throw new ProviderError('Tupay does not list the notified deposit', { provider: 'TUPAY', reason: 'NOT_FOUND' });
  }
  const state = deposit.providerStatus;
  const final = FINAL.has(deposit.status);
  const object = `deposit:${deposit.id}`;
  if (!RECEIVED.has(deposit.status)) return { object, state, final, event: null };
  const cashin = cashinValue({
    provider: 'TUPAY',
    id: deposit.id,
    amount: deposit.amount,
    buyer: deposit.counterparty,
    status: deposit.status,
    providerStatus: deposit.providerStatus,
  });
  return { object, state, final, event: { type: 'CASHIN_RECEIVED', occurredAt: new Date().toISOString(), cashin } };
}

export function tupayWebhook(config: TupayConfig, finder: () => DepositFinder): WebhookHandler<TupayNotice> {
  const token = webhookToken('TUPAY', config.webhookSecret);
  return {
    provider: 'TUPAY',
    authenticate(request, raw) {
      const given = tokenParam(request.params);
      if (given !== undefined) return sameWebhookToken(given, token) ? null : 'unknown webhook path';
      const date = header(request.headers[TUPAY_SIGNATURE_HEADERS.date.toLowerCase()]);
      const login = header(request.headers[TUPAY_SIGNATURE_HEADERS.login.toLowerCase()]);
      if (!date || !login) return 'missing X-Date or X-Login';
      if (login !== config.webhookLogin) return 'unknown X-Login';
      const at = Date.parse(date);
      if (!timestampWithinTolerance(at)) return 'X-Date outside the tolerance';
      const authorization = header(request.headers.authorization);
      return verifyTupaySignature(authorization, date, login, raw, config.webhookSecret.reveal()) ? null : 'bad signature';
    },
    parse(json, request) {
      const depositIds = findHints(json, TUPAY_HINT_PATTERNS).map((hint) => hint.id);
      return depositIds.length > 0 ? { depositIds, at: momentOf(json, request) } : null;
    },
    // The body claims no state: only a deposit already final is known without asking Tupay.
    notice: (notice) => ({ object: `deposit:${notice.depositIds[0]}` }),
    confirm: (notice, call) => confirmDeposit(notice, finder(), call),
  };
}

/** Tupay notifies signed on the bare path and unsigned on the secret token path; a notice finds the deposit in the listing. */
export const tupayNotifications: ProviderNotifications = {
  provider: 'TUPAY',
  auth: TUPAY_NOTIFICATION_AUTH,
  handler: (config, capability) => config.tupay && tupayWebhook(config.tupay, capability('depositFinder')),
  // The URL of Tupay's panel: the signed bare path.
  sandboxTarget: (_config, publicUrl) => `${publicUrl}${webhookPath('TUPAY')}`,
};
