/**
 * Tupay's wire shapes (Directa24's merchant reconciliation API), exactly as Tupay sends and receives
 * them. Nothing above mappers.ts sees these names. The interfaces name the fields; they do not promise
 * them: the mappers read every answer from `unknown`, field by field.
 * Source: docs/providers.md, "Tupay"; facts and assumptions in assumptions.ts.
 */
import type { TupayErrorBody } from './assumptions.js';

/** `POST v1/auth/login` body: the API user's email and password. */
export interface TupayLoginRequestDto {
  accessKey: string;
  secretKey: string;
}

/** `POST v1/auth/login` answer; the session itself comes in `Set-Cookie: BEARER_TOKEN=…`. */
export interface TupayLoginDto {
  idUser: number;
  username: string;
  idMerchant: number;
}

/** Query of `v1/deposits`, `v1/cashout` and `v1/balance/report` (the last takes the range and page only). */
export interface TupayListQueryDto {
  /** Unix time, seconds or milliseconds (TUPAY_RANGE_UNITS). */
  from: number | string;
  /** Unix time like `from`, inclusive or exclusive (TUPAY_RANGE_ENDS); at most 60 days after `from` (the report may take `YYYY-MM-DD`: assumptions). */
  to: number | string;
  /** From 0. */
  page: number;
  status?: string;
  paymentMethod?: string;
  country?: string;
  /** Directa24's spelling. */
  clientDocument?: string;
  /** The seed's spelling: both are sent. */
  clienteDocument?: string;
}

/** Every listing: one page; ask `page + 1` while `rows == maxRows`. */
export interface TupayPageDto<Row> {
  page: number;
  rows: number;
  maxRows: number;
  data: Row[];
}

/** Amounts are JSON numbers (read through their shortest decimal text, never summed as floats). */
export type TupayAmount = number | string;

export interface TupayDepositDto {
  /** An integer on the wire. */
  idDeposit: number;
  externalId: string;
  /** `2026-01-10T13:41:57Z`. */
  creationDate: string;
  country: string;
  paymentMethodCode: string;
  paymentMethodName: string;
  clientDocument: string;
  amount: TupayAmount;
  currency: string;
  localAmount: TupayAmount;
  localCurrency: string;
  fee: TupayAmount;
  feeCurrency: string;
  lastChangeDate: string;
  status: string;
  /** The payer's id at Tupay (a string on the wire). */
  idUser: string;
  idMerchant: number;
  merchantName: string;
  flags: string[];
  refundAttempted: boolean;
}

export interface TupayCashoutDto {
  idCashout: number;
  externalId: string;
  creationDate: string;
  country: string;
  /** The requested currency of `amount`. */
  currency: string;
  amount: TupayAmount;
  creditedCurrency: string;
  creditedAmount: TupayAmount;
  merchantCurrency: string;
  merchantAmount: TupayAmount;
  fee: TupayAmount;
  feeCurrency: string;
  tax: TupayAmount;
  lastChangeDate: string;
  status: string;
  clientDocument: string;
  flags: string[];
  idMerchant: number;
  merchantName: string;
  reason: string | null;
  existVoucher: boolean;
}

/** One entry of `v1/balance`; `availableBalance` and `pendingSettlementAmount` are an assumption. */
export interface TupayBalanceDto {
  currency: string;
  /** `PRIMARY`. */
  type: string;
  data: {
    totalBalance: TupayAmount;
    availableBalance?: TupayAmount;
    pendingSettlementAmount?: TupayAmount;
  };
}

export interface TupayBalancesDto {
  balances: TupayBalanceDto[];
}

/** One row of `v1/balance/report`: one UTC day and currency. */
export interface TupayBalanceReportRowDto {
  idMerchant: number;
  /** `2026-01-31T00:00:00Z`. */
  date: string;
  currency: string;
  depositTotal: TupayAmount;
  cashoutTotal: TupayAmount;
  noteTotal: TupayAmount;
  settlementTotal: TupayAmount;
  cancelledSettlementTotal: TupayAmount;
  depositFeeTotal: TupayAmount;
  netAmount: TupayAmount;
  /** The balance at the end of the day. */
  totalBalance: TupayAmount;
}

/** Error answers: `{ code, description }` (**assumption**; 403 carries the public code 83). */
export type TupayErrorDto = TupayErrorBody;
