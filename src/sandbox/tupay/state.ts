/**
 * The Tupay sandbox's live state: deposits and cash-outs in creation order, balances kept in step with
 * every record and status change, and the merchant settings a control route can change.
 *
 * Balance rules (one place, used by `v1/balance` and `v1/balance/report` alike):
 * - a COMPLETED deposit adds `amount − fee` to the available balance of its currency; an APPROVED one
 *   adds it to `pendingSettlementAmount` (approved, not yet settled); other statuses add nothing;
 * - a cash-out holds `amount + fee + tax` out of the available balance from ON_HOLD to COMPLETED, and
 *   gives it back when it ends REJECTED, CANCELLED or DECLINED;
 * - `totalBalance = availableBalance + pendingSettlementAmount`.
 */
import type { TupayCashoutStatus, TupayDepositStatus, TupayPaymentMethod } from '../../providers/tupay/assumptions.js';
import { Ledger } from './ledger.js';
import { CASHOUT_FEE_BP, CURRENCIES, DEPOSIT_FEE_BP, feeCents, type Cashout, type Currency, type Deposit } from './records.js';

export interface BalanceCents {
  availableCents: number;
  pendingCents: number;
}

export interface TupayState {
  deposits: Ledger<Deposit>;
  cashouts: Ledger<Cashout>;
  /** The available balance before the first seeded record, per currency. */
  opening: Record<Currency, number>;
  balances: Record<Currency, BalanceCents>;
  nextDepositId: number;
  nextCashoutId: number;
  /** The recurring client documents (Peruvian DNI) of the seeded history. */
  documents: readonly string[];
  /** Client IPs allowed to call `v1/...`; null allows every IP. */
  allowedIps: string[] | null;
  /** Where deposit notifications go; null sends none. */
  webhookUrl: string | null;
  /** Sandbox time, Unix seconds: the seed's `now` plus the time elapsed since the state was created. */
  nowSec(): number;
}

/** Cash-out statuses whose money is out of the available balance. */
export const HOLDING_CASHOUT_STATUSES: readonly TupayCashoutStatus[] = ['ON_HOLD', 'PENDING', 'DELIVERED', 'COMPLETED'];

/** A deposit whose money is in the available balance (and in the balance report). */
export function isSettledDeposit(d: Deposit): boolean {
  return d.status === 'COMPLETED';
}

/** What a deposit adds to the balance of its currency in its current status. */
function depositEffect(d: Deposit): BalanceCents {
  const net = d.amountCents - d.feeCents;
  return { availableCents: isSettledDeposit(d) ? net : 0, pendingCents: d.status === 'APPROVED' ? net : 0 };
}

/** What a cash-out takes from the available balance of its currency in its current status (≥ 0). */
export function cashoutDebitCents(c: Cashout): number {
  return HOLDING_CASHOUT_STATUSES.includes(c.status) ? c.amountCents + c.feeCents + c.taxCents : 0;
}

function cashoutEffect(c: Cashout): BalanceCents {
  return { availableCents: -cashoutDebitCents(c), pendingCents: 0 };
}

function applyEffect(state: TupayState, currency: Currency, effect: BalanceCents, sign: 1 | -1): void {
  const balance = state.balances[currency];
  balance.availableCents += sign * effect.availableCents;
  balance.pendingCents += sign * effect.pendingCents;
}

export function emptyState(opening: Record<Currency, number>, nowSec: () => number, documents: readonly string[]): TupayState {
  const balances = Object.fromEntries(CURRENCIES.map((c) => [c, { availableCents: opening[c], pendingCents: 0 }]));
  return {
    deposits: new Ledger<Deposit>(),
    cashouts: new Ledger<Cashout>(),
    opening,
    balances: balances as Record<Currency, BalanceCents>,
    nextDepositId: 300_000_001,
    nextCashoutId: 50_000_001,
    documents,
    allowedIps: null,
    webhookUrl: null,
    nowSec,
  };
}

/** What varies between records; ids, fees and dates follow from it. */
interface NewRecord {
  amountCents: number;
  currency: Currency;
  clientDocument: string;
  externalId?: string;
  /** Default: now. */
  createdSec?: number;
  /** Default: the creation time. */
  lastChangeSec?: number;
}

/** Peru's IGV (18 %) on the cash-out fee, shown as the cash-out's `tax`. */
const IGV_BP = 1_800;

/** The payer's id at Tupay: stable per document, so a recurring payer keeps one id. */
function payerId(document: string): string {
  return String(100_000 + (Number(document) % 900_000));
}

export function createDeposit(state: TupayState, input: NewRecord & { paymentMethod: TupayPaymentMethod; status: TupayDepositStatus }): Deposit {
  const id = state.nextDepositId++;
  const createdSec = input.createdSec ?? state.nowSec();
  const deposit: Deposit = {
    id,
    externalId: input.externalId ?? `pasarela-dep-${id}`,
    createdSec,
    lastChangeSec: input.lastChangeSec ?? createdSec,
    paymentMethod: input.paymentMethod,
    clientDocument: input.clientDocument,
    idUser: payerId(input.clientDocument),
    currency: input.currency,
    amountCents: input.amountCents,
    feeCents: feeCents(input.amountCents, DEPOSIT_FEE_BP),
    status: input.status,
  };
  state.deposits.insert(deposit);
  applyEffect(state, deposit.currency, depositEffect(deposit), 1);
  return deposit;
}

export function createCashout(state: TupayState, input: NewRecord & { status: TupayCashoutStatus }): Cashout {
  const id = state.nextCashoutId++;
  const createdSec = input.createdSec ?? state.nowSec();
  const fee = feeCents(input.amountCents, CASHOUT_FEE_BP);
  const cashout: Cashout = {
    id,
    externalId: input.externalId ?? `pasarela-co-${id}`,
    createdSec,
    lastChangeSec: input.lastChangeSec ?? createdSec,
    clientDocument: input.clientDocument,
    currency: input.currency,
    amountCents: input.amountCents,
    feeCents: fee,
    taxCents: feeCents(fee, IGV_BP),
    status: input.status,
  };
  state.cashouts.insert(cashout);
  applyEffect(state, cashout.currency, cashoutEffect(cashout), 1);
  return cashout;
}

/** Moves a record to `status`, keeping the balances in step. Returns false when nothing changed. */
function changeStatus<R extends Deposit | Cashout>(state: TupayState, record: R, status: R['status'], effect: (r: R) => BalanceCents): boolean {
  if (record.status === status) return false;
  applyEffect(state, record.currency, effect(record), -1);
  record.status = status;
  record.lastChangeSec = state.nowSec();
  applyEffect(state, record.currency, effect(record), 1);
  return true;
}

export function setDepositStatus(state: TupayState, deposit: Deposit, status: TupayDepositStatus): boolean {
  return changeStatus(state, deposit, status, depositEffect);
}

export function setCashoutStatus(state: TupayState, cashout: Cashout, status: TupayCashoutStatus): boolean {
  return changeStatus(state, cashout, status, cashoutEffect);
}
