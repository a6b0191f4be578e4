/**
 * TelePagos Empresas API v2 wire shapes, exactly as TelePagos sends and receives them (snake_case, ids as
 * JSON integers, amounts as decimal strings or numbers). Nothing above mappers.ts sees these names.
 * Answers are read defensively by the mappers (every field as `unknown` first): these interfaces name the
 * fields, they do not promise them. Source: docs/providers.md, "TelePagos"; the guesses
 * live in assumptions.ts.
 */
import type { JsonDecimal } from '../json-body.js';
import type { ConceptId, OperationId, StaticQrType, TxIncome, TxStatus } from './assumptions.js';

/** A request amount: an exact JSON number or a decimal string, per AMOUNT_WIRE_FORMATS (assumptions.ts). */
export type WireAmount = JsonDecimal | string;

/**
 * Every answer: `{ status: "ok", ... }`, or `{ status: "error", message }` (with HTTP 200 too). Some
 * endpoints document `status` only as a string: other words are read by `telepagosStatusWord`.
 */
export interface TelepagosEnvelopeDto {
  /** Documented `"ok"` and `"error"`; typed `string` by the documents. */
  status: string;
  message?: string;
}

// ── Requests ────────────────────────────────────────────────────────────────────────────────────

export interface TokenRequestDto {
  username: string;
  password: string;
}

/** Exactly one of `cvu`/`alias`; the same `reference_id` with the same data is a harmless replay. */
export interface CashoutRequestDto {
  cvu?: string;
  alias?: string;
  cuit: string;
  /** Decimal, at most two decimals, written from the caller's decimal text (never through a float). */
  amount: WireAmount;
  reference_id: string;
  concept: ConceptId | string;
  description: string;
}

export interface QrGenerateRequestDto {
  amount: WireAmount;
  concept: string;
  description: string;
}

export interface TransferLinkRequestDto extends QrGenerateRequestDto {
  cvu: string;
  cuit: string;
}

export interface DistributionPartDto {
  cvu: string;
  amount: WireAmount;
}

export interface PaymentLinkRequestDto {
  /** `YYYY-MM-DD HH:MM:SS`, Argentina time. */
  expiration_date: string;
  amount: WireAmount;
  multiple_use: boolean;
  concept: string;
  distribution?: DistributionPartDto[];
}

export interface SalePointCreateRequestDto {
  name: string;
}

/** A numeric id goes as a JSON integer; anything else as sent, for TelePagos to refuse. */
export type WireId = number | string;

export interface SalePointDeleteRequestDto {
  sale_point_id: WireId;
}

export interface StaticQrQueryDto {
  type_amount: StaticQrType;
  sale_point_id: WireId;
}

export interface StaticOrderRequestDto extends QrGenerateRequestDto {
  sale_point_id: WireId;
}

export interface TransactionsQueryDto {
  /** `YYYY-MM-DD`, inclusive, Argentina days. */
  date_from: string;
  date_to: string;
  operation?: string;
  paginate?: 0 | 1;
  /** From 1, with `paginate=1`. */
  page?: number;
}

// ── Answers (the fields besides `status`) ───────────────────────────────────────────────────────

export interface TokenDto {
  token: string;
  /** Unix seconds (assumption); milliseconds or `Y-m-d H:i:s` read defensively. */
  expires_at: number | string;
}

/** Whole pesos (assumption: cents truncated). */
export interface BalanceDto {
  amount: number;
}

export interface ConceptDto {
  id: string;
  description: string;
}

export interface ConceptsDto {
  concepts: ConceptDto[];
}

export interface OperationDto {
  id: OperationId | string;
  name: string;
  /** `ingreso` / `egreso` (assumption). */
  type: string;
}

export interface OperationsDto {
  operations: OperationDto[];
}

/** A row of the account's movements. It carries no id of its own. */
export interface TxDto {
  income: TxIncome;
  /** `YYYY-MM-DD HH:MM:SS`, Argentina time. */
  date: string;
  /** Decimal string, e.g. `"1500.50"`. */
  amount: string | number;
  operation: OperationId | string;
  holder: string;
  cuit: string;
  cvu_cbu: string;
  status: TxStatus | string;
  /** Empty when the movement has no sale point. */
  sale_point_name: string;
}

/** The last four fields only with `paginate=1`; `pagination` is the page size. */
export interface TransactionsDto {
  transactions: TxDto[];
  number_of_results?: number;
  page?: number;
  pages?: number;
  pagination?: number;
}

export interface CashoutDto {
  /** An integer in the document, a string in a public client's fixtures. */
  id: number | string;
}

export interface VoucherDto {
  /** Base64-encoded PDF. */
  voucher: string;
}

export interface BuyerDto {
  cuit: string;
  cvu: string;
}

export interface CashinDto {
  /** An object; the document prints a malformed list, so a one-element list is accepted too. */
  buyer: BuyerDto | BuyerDto[];
  amount: string | number;
  concept: string;
  description: string;
  transaction_id: number;
  qr_order_id: number | null;
  link_id: number | null;
}

export interface QrGenerateDto {
  qr_code: string;
  qr_order_id: number;
}

export interface TransferLinkDto {
  payment_link: string;
}

export interface PaymentLinkDto {
  link: string;
  link_id: number;
}

export interface SalePointDto {
  id: number;
  name: string;
  /** `active` / `inactive` (assumption). */
  status: string;
}

export interface SalePointsDto {
  sale_points: SalePointDto[];
}

export interface SalePointCreatedDto {
  sale_point_id: number;
}

export interface StaticQrDto {
  qr_code: string;
}

export interface StaticOrderDto {
  qr_order_id: number;
}

/** Four one-element lists; totals may be null (no movement in the period). */
export interface StatisticsDto {
  data: [
    [{ count_open_cvu: number }],
    [{ total_cashout: string | number | null; total_cashin: string | number | null }],
    [{ count_payments_services: number }],
    [{ count_sent_sms: number }],
  ];
}
