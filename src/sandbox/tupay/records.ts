/**
 * The sandbox's internal records (integer cents, Unix seconds) and their Directa24 wire shapes. Money
 * never passes through floating point until the very last step, `centsToAmount`.
 */
import {
  TUPAY_COUNTRY,
  TUPAY_LOCAL_CURRENCY,
  TUPAY_PAYMENT_METHOD_NAMES,
  type TupayCashoutStatus,
  type TupayDepositStatus,
  type TupayPaymentMethod,
} from '../../providers/tupay/assumptions.js';

/** The merchant currencies the sandbox keeps balances in. */
export const CURRENCIES = ['PEN', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The merchant the sandbox's API user belongs to. */
export const MERCHANT = { idMerchant: 1201, merchantName: 'Pasarela Sandbox S.A.C.', idUser: 4021 } as const;

/** Sandbox exchange rate for USD deposits paid and cash-outs credited in soles: 1 USD = 3.75 PEN. */
export const PEN_PER_USD_BP = 37_500;

export interface Timestamped {
  id: number;
  /** Creation time, Unix seconds: the key of range queries. */
  createdSec: number;
}

export interface Deposit extends Timestamped {
  externalId: string;
  lastChangeSec: number;
  paymentMethod: TupayPaymentMethod;
  clientDocument: string;
  /** The payer's id at Tupay (a string on the wire). */
  idUser: string;
  currency: Currency;
  amountCents: number;
  feeCents: number;
  status: TupayDepositStatus;
}

export interface Cashout extends Timestamped {
  externalId: string;
  lastChangeSec: number;
  clientDocument: string;
  /** The requested currency, also the merchant's (debited) currency. */
  currency: Currency;
  amountCents: number;
  feeCents: number;
  taxCents: number;
  status: TupayCashoutStatus;
}

/** A fee in basis points of an amount, rounded half up to the cent. */
export function feeCents(amountCents: number, basisPoints: number): number {
  return Math.round((amountCents * basisPoints) / 10_000);
}

/** Deposits cost the merchant 2.9 %, cash-outs 1 % (sandbox pricing). */
export const DEPOSIT_FEE_BP = 290;
export const CASHOUT_FEE_BP = 100;

/** The amount in soles of an amount in `currency`. */
export function toLocalCents(amountCents: number, currency: Currency): number {
  return currency === 'PEN' ? amountCents : Math.round((amountCents * PEN_PER_USD_BP) / 10_000);
}

/** Integer cents to a JSON number with at most two decimals (exact: cents / 100 prints as written). */
export function centsToAmount(cents: number): number {
  return cents / 100;
}

/** `2026-01-10T13:41:57Z`: Directa24's date format, at second precision. */
export function isoSeconds(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const CASHOUT_REASONS: Partial<Record<TupayCashoutStatus, string>> = {
  REJECTED: 'Beneficiary account rejected by the bank',
  DECLINED: 'Beneficiary document does not match the account holder',
  CANCELLED: 'Cancelled by the merchant',
};

export function depositToWire(d: Deposit) {
  return {
    idDeposit: d.id,
    externalId: d.externalId,
    creationDate: isoSeconds(d.createdSec),
    country: TUPAY_COUNTRY,
    paymentMethodCode: d.paymentMethod,
    paymentMethodName: TUPAY_PAYMENT_METHOD_NAMES[d.paymentMethod],
    clientDocument: d.clientDocument,
    amount: centsToAmount(d.amountCents),
    currency: d.currency,
    localAmount: centsToAmount(toLocalCents(d.amountCents, d.currency)),
    localCurrency: TUPAY_LOCAL_CURRENCY,
    fee: centsToAmount(d.feeCents),
    feeCurrency: d.currency,
    lastChangeDate: isoSeconds(d.lastChangeSec),
    status: d.status,
    idUser: d.idUser,
    idMerchant: MERCHANT.idMerchant,
    merchantName: MERCHANT.merchantName,
    flags: [] as string[],
    refundAttempted: false,
  };
}

export function cashoutToWire(c: Cashout) {
  return {
    idCashout: c.id,
    externalId: c.externalId,
    creationDate: isoSeconds(c.createdSec),
    country: TUPAY_COUNTRY,
    currency: c.currency,
    amount: centsToAmount(c.amountCents),
    creditedCurrency: TUPAY_LOCAL_CURRENCY,
    creditedAmount: centsToAmount(toLocalCents(c.amountCents, c.currency)),
    merchantCurrency: c.currency,
    merchantAmount: centsToAmount(c.amountCents),
    fee: centsToAmount(c.feeCents),
    feeCurrency: c.currency,
    tax: centsToAmount(c.taxCents),
    lastChangeDate: isoSeconds(c.lastChangeSec),
    status: c.status,
    clientDocument: c.clientDocument,
    flags: [] as string[],
    idMerchant: MERCHANT.idMerchant,
    merchantName: MERCHANT.merchantName,
    reason: CASHOUT_REASONS[c.status] ?? null,
    existVoucher: c.status === 'COMPLETED',
  };
}

export type WireDeposit = ReturnType<typeof depositToWire>;
export type WireCashout = ReturnType<typeof cashoutToWire>;
