/**
 * Talo's wire shapes, exactly as Talo sends and receives them (snake_case, amounts as numbers or
 * decimal strings). Nothing above mappers.ts sees these names. Answers are read defensively by the
 * mappers (every field as `unknown` first): these interfaces name the fields, they do not promise them.
 * Source: docs/providers.md, "Talo"; facts and assumptions in assumptions.ts.
 */
import type { JsonDecimal } from '../json-body.js';
import type { TaloEnvelope, TaloPaymentOption } from './assumptions.js';

/** Every body: `{ message, error, data }`, failures with `error: true` (sometimes a `code`). */
export type { TaloEnvelope };

/** `POST /users/{user_id}/tokens` request. */
export interface TaloTokenRequestDto {
  client_id: string;
  client_secret: string;
}

/** `POST /users/{user_id}/tokens` answer `data`: a JWT, sent back exactly as returned. */
export interface TaloTokenDto {
  token: string;
}

export interface TaloPriceDto {
  /** A JSON number in the seed (`1500.5`); read a decimal string too. */
  amount: number | string;
  currency: string;
}

/** Where the payer transfers to. Some answers put the CVU in `address` instead of `cvu`. */
export interface TaloQuoteDto {
  cvu?: string | null;
  address?: string | null;
  alias?: string | null;
  amount?: string | number;
  currency?: string;
}

/** A transfer received; the amount received is the sum of these amounts. */
export interface TaloTransactionDto {
  transaction_id: string;
  amount: string | number;
  currency?: string;
  transaction_status?: string;
  date?: string;
}

/** `POST /payments/` and `GET /payments/:id` answer `data`. */
export interface TaloPaymentDto {
  /** `VAR-<uuid>`. */
  id: string;
  /** One of TALO_PAYMENT_STATUSES, or a word Talo adds later. */
  payment_status: string;
  user_id: string;
  external_id: string;
  price: TaloPriceDto;
  payment_options?: TaloPaymentOption[];
  quotes?: TaloQuoteDto[];
  payment_url?: string | null;
  webhook_url?: string | null;
  redirect_url?: string | null;
  motive?: string | null;
  items?: unknown[];
  client_data?: Record<string, unknown> | null;
  /** ISO-8601 date-times. */
  creation_timestamp?: string;
  last_modified_timestamp?: string;
  expiration_timestamp?: string;
  transactions?: TaloTransactionDto[];
}

/** `POST /payments/` request: the seed's required fields plus what the current public docs require. */
export interface TaloCreatePaymentDto {
  /** `amount` goes out as a JSON number written from the decimal's digits (see json-body.ts). */
  price: { currency: string; amount: JsonDecimal };
  user_id: string;
  redirect_url: string;
  external_id: string;
  webhook_url: string;
  payment_options: TaloPaymentOption[];
  motive?: string;
  /** Entries shaped as TALO_ITEM_FIELDS names them. */
  items?: Record<string, string | number | JsonDecimal>[];
  expiration_timestamp?: string;
}
