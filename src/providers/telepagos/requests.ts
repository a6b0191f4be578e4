/**
 * The gateway's neutral requests (src/providers/capabilities.ts) as TelePagos's client takes them: each
 * field named and placed by TelePagos's client, so a change of either side is a change here only.
 */
import type { CashoutRequest, PaymentLinkRequest, QrChargeRequest, SalePointQrOrderRequest, TransferLinkRequest } from '../capabilities.js';
import type { CreateCashoutInput, CreatePaymentLinkInput, CreateQrChargeInput, CreateSalePointQrOrderInput, CreateTransferLinkInput } from './client.js';

export function cashoutInput(request: CashoutRequest): CreateCashoutInput {
  const { cbu, alias, cuit, amount, referenceId, concept, description } = request;
  return { ...(cbu !== undefined && { cbu }), ...(alias !== undefined && { alias }), cuit, amount, referenceId, concept, description };
}

export function qrChargeInput({ amount, concept, description }: QrChargeRequest): CreateQrChargeInput {
  return { amount, concept, description };
}

export function transferLinkInput({ cbu, cuit, amount, concept, description }: TransferLinkRequest): CreateTransferLinkInput {
  return { cbu, cuit, amount, concept, description };
}

export function paymentLinkInput({ amount, concept, expiresAt, multipleUse, distribution }: PaymentLinkRequest): CreatePaymentLinkInput {
  return {
    amount,
    concept,
    expiresAt,
    multipleUse,
    ...(distribution && { distribution: distribution.map(({ cbu, amount: part }) => ({ cbu, amount: part })) }),
  };
}

export function salePointQrOrderInput({ salePointId, amount, concept, description }: SalePointQrOrderRequest): CreateSalePointQrOrderInput {
  return { salePointId, amount, concept, description };
}
