/** Transfers out (cash-out, its voucher) and the detail of money received (cash-in). */
import type { FastifyInstance } from 'fastify';
import {
  TELEPAGOS_PATHS as PATHS,
  TELEPAGOS_STRICT_RULES,
  TELEPAGOS_TEXT_LIMITS,
  decimalWire,
  formatArgentinaDateTime,
} from '../../providers/telepagos/assumptions.js';
import { endpoint, pathId, type Runtime } from './endpoint.js';
import { invalid, isPresent, notFound, readAlias, readCbu, requiredAmountCents, requiredConcept, requiredCuit, requiredString, type Fields } from './input.js';
import { executeCashout, type CashoutDestination, type CashoutRequest } from './operations.js';
import type { Cashout, TelepagosState } from './state.js';
import { buildVoucherPdf } from './voucher.js';

/** Exactly one of `cvu`/`alias` (the document: "cvu o alias, no ambos"). */
function readDestination(fields: Fields): CashoutDestination {
  const hasCvu = isPresent(fields, 'cvu');
  const hasAlias = isPresent(fields, 'alias');
  if (hasCvu && hasAlias) throw invalid('The cvu and alias fields cannot both be present.');
  if (!hasCvu && !hasAlias) throw invalid('The cvu field is required when alias is not present.');
  return hasCvu ? { cvu: readCbu(fields.cvu) } : { alias: readAlias(fields.alias) };
}

function readCashoutRequest(fields: Fields): CashoutRequest {
  return {
    destination: readDestination(fields),
    cuit: requiredCuit(fields),
    amountCents: requiredAmountCents(fields),
    referenceId: requiredString(fields, 'reference_id', TELEPAGOS_TEXT_LIMITS.referenceId),
    concept: requiredConcept(fields),
    description: requiredString(fields, 'description', TELEPAGOS_TEXT_LIMITS.description),
  };
}

function voucherOf(cashout: Cashout, state: TelepagosState): string {
  const { destination, entry } = cashout;
  const pdf = buildVoucherPdf('Comprobante de transferencia', [
    `Operacion: ${cashout.id}`,
    `Fecha: ${formatArgentinaDateTime(entry.atMs)}`,
    `Importe: $ ${decimalWire(cashout.amountCents)}`,
    `Estado: ${entry.status}`,
    `Origen: ${state.account.holder} - CUIT ${state.account.cuit}`,
    `Destino: ${destination.holder} - CUIT ${destination.cuit}`,
    `CVU/CBU: ${destination.cbu}`,
    `Concepto: ${cashout.concept} - ${cashout.description}`,
    `Referencia: ${cashout.referenceId}`,
  ]);
  return pdf.toString('base64');
}

export function registerPaymentRoutes(app: FastifyInstance, runtime: Runtime): void {
  endpoint(app, runtime, 'POST', PATHS.cashout, (request, state) => {
    const checkCvuHolder = runtime.strict.has(TELEPAGOS_STRICT_RULES.cvuHolder);
    const cashout = executeCashout(state, readCashoutRequest((request.body ?? {}) as Fields), checkCvuHolder);
    // The document's integer (CASHOUT_ID_WIRE_TYPE); the alternate variant sends it as a string.
    return { id: cashout.id };
  });

  endpoint(app, runtime, 'GET', `${PATHS.cashout}/:id`, (request, state) => {
    const cashout = state.cashouts.get(pathId(request) ?? -1);
    if (!cashout) throw notFound('Cashout not found');
    return { voucher: voucherOf(cashout, state) };
  });

  endpoint(app, runtime, 'GET', `${PATHS.cashin}/:id`, (request, state) => {
    const cashIn = state.cashIns.get(pathId(request) ?? -1);
    if (!cashIn) throw notFound('Cashin not found');
    return {
      buyer: { ...cashIn.buyer },
      amount: decimalWire(cashIn.amountCents),
      concept: cashIn.concept,
      description: cashIn.description,
      transaction_id: cashIn.entry.number,
      qr_order_id: cashIn.qrOrderId,
      link_id: cashIn.linkId,
    };
  });
}
