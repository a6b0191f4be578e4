/** Enums shared across modules, registered once with their contract descriptions. */
import { registerEnumType } from 'type-graphql';
import { PROVIDER_VALUES, type ProviderId } from '../../providers/provider.js';

/** One value per provider the gateway knows (PROVIDERS), read when the schema is built. */
export const ProviderEnum = PROVIDER_VALUES;
export type ProviderEnum = ProviderId;
registerEnumType(ProviderEnum, { name: 'Provider', description: 'The payment providers behind Pasarela.' });

export enum CurrencyCode {
  ARS = 'ARS',
  PEN = 'PEN',
  USD = 'USD',
}
registerEnumType(CurrencyCode, { name: 'CurrencyCode', description: 'ISO-4217 currencies Pasarela handles.' });

export enum TransactionDirectionEnum {
  IN = 'IN',
  OUT = 'OUT',
}
registerEnumType(TransactionDirectionEnum, { name: 'TransactionDirection', description: 'Money in or out of the account.' });

export enum TransactionKindEnum {
  DEPOSIT = 'DEPOSIT',
  CASHOUT = 'CASHOUT',
  TRANSFER = 'TRANSFER',
}
registerEnumType(TransactionKindEnum, { name: 'TransactionKind', description: 'What kind of movement a transaction is.' });

export enum TransactionStatusEnum {
  PENDING = 'PENDING',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(TransactionStatusEnum, {
  name: 'TransactionStatus',
  description: "Normalized status; providerStatus keeps the provider's own word.",
});

export enum QrAmountTypeEnum {
  CLOSED = 'CLOSED',
  OPEN = 'OPEN',
}
registerEnumType(QrAmountTypeEnum, {
  name: 'QrAmountType',
  description: 'Who sets the amount of a static QR.',
  valuesConfig: {
    CLOSED: { description: 'The one who generates the QR sets the amount.' },
    OPEN: { description: 'The one who scans the QR sets the amount.' },
  },
});

export enum PaymentStatusEnum {
  PENDING = 'PENDING',
  SUCCESS = 'SUCCESS',
  OVERPAID = 'OVERPAID',
  UNDERPAID = 'UNDERPAID',
  EXPIRED = 'EXPIRED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
  UNDER_REVIEW = 'UNDER_REVIEW',
}
registerEnumType(PaymentStatusEnum, {
  name: 'PaymentStatus',
  description: 'Status of a Talo payment.',
  valuesConfig: {
    PENDING: { description: 'Waiting for the transfer.' },
    SUCCESS: { description: 'Paid exactly.' },
    OVERPAID: { description: 'More than the price was received.' },
    UNDERPAID: { description: 'Less than the price was received so far.' },
    EXPIRED: { description: 'Not paid before it expired.' },
    REJECTED: { description: 'Rejected by Talo.' },
    CANCELLED: { description: 'Cancelled.' },
    UNDER_REVIEW: { description: 'Held for review by Talo.' },
  },
});
