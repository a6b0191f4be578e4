/**
 * The seeded history: `days` days of deposits and cash-outs ending at `now`, the same for the same
 * seed and `now`. Long enough (120 days by default) that the 60-day range limit matters.
 */
import {
  TUPAY_CASHOUT_STATUSES,
  TUPAY_DEPOSIT_STATUSES,
  TUPAY_PAYMENT_METHODS,
  type TupayCashoutStatus,
  type TupayDepositStatus,
} from '../../providers/tupay/assumptions.js';
import { pick, randomInt, seededRandom, type Random } from '../random.js';
import type { Currency } from './records.js';
import { createCashout, createDeposit, emptyState, type TupayState } from './state.js';

export interface SeedOptions {
  seed: number;
  /** The moment the history ends at, ms. */
  nowMs: number;
  /** The sandbox's time source, ms (a test may pass a manual clock). */
  clock: () => number;
  days: number;
  depositsPerDay: number;
  cashoutsPerDay: number;
}

export const DEFAULT_SEED = 20_260_131;
export const DEFAULT_DAYS = 120;
export const DEFAULT_DEPOSITS_PER_DAY = 4;
export const DEFAULT_CASHOUTS_PER_DAY = 2;
/** How many recurring payers the history has. */
const DOCUMENT_COUNT = 6;
const DAY_SECONDS = 86_400;
const OPENING_CENTS: Record<Currency, number> = { PEN: 25_000_00, USD: 5_000_00 };

/** Status weights, in the order of the status lists: mostly settled, some failures, a few open. */
const DEPOSIT_WEIGHTS = [5, 7, 70, 10, 8];
const CASHOUT_WEIGHTS = [3, 5, 10, 62, 8, 6, 6];
const OPEN_STATUSES: readonly string[] = ['PENDING', 'APPROVED', 'ON_HOLD', 'DELIVERED'];
/** Only records of the last days are still open; older ones have all ended one way or another. */
const OPEN_DAYS = 2;

function pickStatus<T extends string>(random: Random, statuses: readonly T[], weights: readonly number[], mayBeOpen: boolean): T {
  const usable = statuses.map((status, i) => (mayBeOpen || !OPEN_STATUSES.includes(status) ? (weights[i] ?? 0) : 0));
  let roll = random() * usable.reduce((a, b) => a + b, 0);
  for (let i = 0; i < statuses.length; i++) {
    roll -= usable[i]!;
    if (roll < 0) return statuses[i]!;
  }
  return statuses[statuses.length - 1]!;
}

/** A Peruvian DNI: 8 digits. */
function randomDni(random: Random): string {
  return String(randomInt(random, 10_000_000, 79_999_999));
}

/** Creation times of one day's records, sorted, in [dayStart, dayStart + 1 day). */
function dayTimes(random: Random, dayStart: number, perDay: number): number[] {
  const count = randomInt(random, Math.floor(perDay / 2), Math.ceil((perDay * 3) / 2));
  const times = Array.from({ length: count }, () => dayStart + randomInt(random, 0, DAY_SECONDS - 1));
  return times.sort((a, b) => a - b);
}

/** Amount in cents: soles from `minPen` to `maxPen`, or, one time in five, dollars a quarter of that. */
function randomAmount(random: Random, minPen: number, maxPen: number): { currency: Currency; amountCents: number } {
  const currency: Currency = random() < 0.2 ? 'USD' : 'PEN';
  const scale = currency === 'USD' ? 4 : 1;
  return { currency, amountCents: randomInt(random, (minPen * 100) / scale, (maxPen * 100) / scale) };
}

/** A settled record changed status some minutes after creation (never after `now`). */
function lastChange(random: Random, createdSec: number, nowSec: number, open: boolean): number {
  return open ? createdSec : Math.min(nowSec, createdSec + randomInt(random, 30, 3_600));
}

export function seedState(options: SeedOptions): TupayState {
  const random = seededRandom(options.seed);
  const createdAtMs = options.clock();
  const nowSec = (): number => Math.floor((options.nowMs + options.clock() - createdAtMs) / 1000);
  const documents = Array.from({ length: DOCUMENT_COUNT }, () => randomDni(random));
  const state = emptyState(OPENING_CENTS, nowSec, documents);
  const endSec = Math.floor(options.nowMs / 1000);

  for (let day = options.days; day >= 1; day--) {
    // Each day ends at `now` minus whole days, so the newest record is at most `now`.
    const dayStart = endSec - day * DAY_SECONDS + 1;
    for (const createdSec of dayTimes(random, dayStart, options.depositsPerDay)) {
      const status = pickStatus<TupayDepositStatus>(random, TUPAY_DEPOSIT_STATUSES, DEPOSIT_WEIGHTS, day <= OPEN_DAYS);
      createDeposit(state, {
        ...randomAmount(random, 20, 3_000),
        paymentMethod: pick(random, TUPAY_PAYMENT_METHODS),
        clientDocument: pick(random, documents),
        status,
        createdSec,
        lastChangeSec: lastChange(random, createdSec, endSec, status === 'PENDING'),
      });
    }
    for (const createdSec of dayTimes(random, dayStart, options.cashoutsPerDay)) {
      const status = pickStatus<TupayCashoutStatus>(random, TUPAY_CASHOUT_STATUSES, CASHOUT_WEIGHTS, day <= OPEN_DAYS);
      createCashout(state, {
        ...randomAmount(random, 50, 2_500),
        clientDocument: pick(random, documents),
        status,
        createdSec,
        lastChangeSec: lastChange(random, createdSec, endSec, status === 'ON_HOLD'),
      });
    }
  }
  return state;
}
