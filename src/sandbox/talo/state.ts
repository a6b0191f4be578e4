/**
 * The Talo sandbox's memory: payments kept in integer cents, a monotonic clock anchored at `options.now`
 * and a seeded random stream, so the same seed, `now` and request order give the same ids, CVUs and
 * aliases. Seeded demo payments cover several statuses (and one of another user, for 403s); they notify
 * `seedWebhookUrl` when set.
 */
import { randomCbu, randomInt, pick, seededRandom, type Random } from '../random.js';
import {
  TALO_CURRENCY,
  TALO_DEFAULT_EXPIRATION_SECONDS,
  TALO_PAYMENT_ID_PREFIX,
  type TaloPaymentOption,
  type TaloPaymentStatus,
} from '../../providers/talo/assumptions.js';

export interface TaloTransaction {
  transaction_id: string;
  amountCents: number;
  at: number;
}

export interface TaloPayment {
  id: string;
  userId: string;
  externalId: string;
  status: TaloPaymentStatus;
  priceCents: number;
  currency: typeof TALO_CURRENCY;
  paymentOptions: TaloPaymentOption[];
  cvu: string;
  alias: string;
  redirectUrl: string;
  webhookUrl?: string;
  /** One of the demo payments the sandbox starts with (their webhook URL is the control surface's). */
  seeded?: true;
  motive?: string;
  items?: unknown[];
  clientData?: Record<string, unknown>;
  createdAt: number;
  lastModifiedAt: number;
  expiresAt: number;
  transactions: TaloTransaction[];
}

export interface TaloState {
  payments: Map<string, TaloPayment>;
  /** Milliseconds since the epoch: `options.now` plus real elapsed time, never the same value twice. */
  clock(): number;
  random: Random;
  nextTransactionNumber: number;
}

/** Owner of one seeded payment, so reading another user's payment (403) can be shown without setup. */
export const TALO_OTHER_USER_ID = '5a1e0000-0000-4000-8000-0000000000ff';
export const DEFAULT_TALO_SEED = 2002;

/** Strictly increasing, so every status change visibly moves `last_modified_timestamp`. */
function monotonicClock(anchorMs: number): () => number {
  const startedAt = Date.now();
  let last = -Infinity;
  return () => {
    last = Math.max(last + 1, anchorMs + (Date.now() - startedAt));
    return last;
  };
}

function hex(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** `VAR-` + a UUID-shaped (version 4 layout) id from the seeded stream. */
export function newPaymentId(state: TaloState): string {
  const r = state.random;
  return `${TALO_PAYMENT_ID_PREFIX}${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;
}

const ALIAS_WORDS = ['sol', 'rio', 'mate', 'pampa', 'tango', 'nube', 'faro', 'lago', 'puma', 'ceibo'] as const;

/** A fresh CVU (entity 000, valid check digits) and an alias of 6–20 allowed characters. */
export function newTransferAddress(state: TaloState): { cvu: string; alias: string } {
  const r = state.random;
  return { cvu: randomCbu(r, true), alias: `${pick(r, ALIAS_WORDS)}.${pick(r, ALIAS_WORDS)}.${randomInt(r, 100, 999)}.talo` };
}

export function newTransactionId(state: TaloState): string {
  return `SBX-${String(state.nextTransactionNumber++).padStart(6, '0')}`;
}

interface SeedSpec {
  userId: string;
  status: TaloPaymentStatus;
  priceCents: number;
  /** Transfers received, in cents. */
  received: number[];
  motive: string;
  hoursAgo: number;
}

const HOUR_MS = 3_600_000;

function seedSpecs(userId: string): SeedSpec[] {
  return [
    { userId, status: 'PENDING', priceCents: 150_000, received: [], motive: '2 calendarios grandes', hoursAgo: 2 },
    { userId, status: 'SUCCESS', priceCents: 1_234_550, received: [1_234_550], motive: 'Fotolibro A4', hoursAgo: 30 },
    { userId, status: 'UNDERPAID', priceCents: 500_000, received: [300_000], motive: 'Suscripción anual', hoursAgo: 50 },
    { userId, status: 'EXPIRED', priceCents: 99_900, received: [], motive: 'Taza personalizada', hoursAgo: 24 * 6 },
    { userId: TALO_OTHER_USER_ID, status: 'PENDING', priceCents: 10_000, received: [], motive: 'Otro comercio', hoursAgo: 1 },
  ];
}

function seedPayment(state: TaloState, spec: SeedSpec, index: number, nowMs: number, webhookUrl?: string): TaloPayment {
  const createdAt = nowMs - spec.hoursAgo * HOUR_MS;
  const transactions = spec.received.map((amountCents, i) => ({
    transaction_id: newTransactionId(state),
    amountCents,
    at: createdAt + (i + 1) * 10 * 60_000,
  }));
  const expiresAt = createdAt + TALO_DEFAULT_EXPIRATION_SECONDS * 1000;
  return {
    id: newPaymentId(state),
    userId: spec.userId,
    externalId: `SEED-${index + 1}`,
    status: spec.status,
    priceCents: spec.priceCents,
    currency: TALO_CURRENCY,
    paymentOptions: ['transfer'],
    ...newTransferAddress(state),
    redirectUrl: 'https://merchant.example/checkout/done',
    ...(webhookUrl ? { webhookUrl } : {}),
    seeded: true,
    motive: spec.motive,
    createdAt,
    lastModifiedAt: spec.status === 'EXPIRED' ? expiresAt : (transactions.at(-1)?.at ?? createdAt),
    expiresAt,
    transactions,
  };
}

/** Fresh state; `ownerUserId` owns the seeded demo payments (all but one). */
export function createTaloState(options: { seed?: number; now?: Date; ownerUserId: string; seedWebhookUrl?: string }): TaloState {
  const anchor = (options.now ?? new Date()).getTime();
  const state: TaloState = {
    payments: new Map(),
    clock: monotonicClock(anchor),
    random: seededRandom(options.seed ?? DEFAULT_TALO_SEED),
    nextTransactionNumber: 1,
  };
  seedSpecs(options.ownerUserId).forEach((spec, i) => {
    const payment = seedPayment(state, spec, i, anchor, options.seedWebhookUrl);
    state.payments.set(payment.id, payment);
  });
  return state;
}
