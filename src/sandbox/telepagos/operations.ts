/**
 * Everything that moves money, in one place so the balance, the ledger and the records stay consistent.
 * Callers validate the input first; these functions check the rules that need the state, then change it.
 */
import {
  CASHOUT_REPLAY_CONFLICT_MESSAGE,
  OPERATION_IDS,
  TELEPAGOS_MESSAGES,
  TX_INCOME,
  TX_STATUS,
  type ConceptId,
  type OperationId,
} from '../../providers/telepagos/assumptions.js';
import { conflict, invalid } from './input.js';
import type { CashIn, Cashout, KnownAccount, TelepagosState } from './state.js';

export type CashoutDestination = { cvu: string } | { alias: string };

export interface CashoutRequest {
  destination: CashoutDestination;
  cuit: string;
  amountCents: number;
  referenceId: string;
  concept: ConceptId;
  description: string;
}

/** The holder name TelePagos would learn from the interbank directory; we do not know it. */
const EXTERNAL_HOLDER = 'Cuenta externa';

/**
 * The CUIT must be the destination holder's (public, for aliases: TelePagos' own message). A known alias
 * is checked against the directory; a known CBU only with `checkCvuHolder` (the strict rule
 * TELEPAGOS_STRICT_RULES.cvuHolder: no document says TelePagos checks it). An unknown CBU is an account
 * at another bank, accepted with any valid CUIT.
 */
export function resolveDestination(state: TelepagosState, destination: CashoutDestination, cuit: string, checkCvuHolder = false): KnownAccount {
  if ('alias' in destination) {
    const account = state.aliases.get(destination.alias);
    if (!account) throw invalid(`The alias ${destination.alias} does not exist`);
    if (account.cuit !== cuit) throw invalid(TELEPAGOS_MESSAGES.aliasOfAnotherHolder(destination.alias));
    return account;
  }
  const account = state.accountsByCbu.get(destination.cvu);
  if (!account) return { holder: EXTERNAL_HOLDER, cuit, cbu: destination.cvu, alias: '' };
  if (account.cuit === cuit) return account;
  if (checkCvuHolder) throw invalid(`The cvu ${destination.cvu} belongs to another holder`);
  return { ...account, cuit };
}

/** A replay must repeat every field; the reference_id alone identifies the transfer. */
function fingerprintOf(request: CashoutRequest): string {
  const { destination, cuit, amountCents, concept, description } = request;
  return JSON.stringify([destination, cuit, amountCents, concept, description]);
}

/**
 * Sends a transfer, or answers a replay: the same reference_id with the same data gives the first
 * transfer's id and moves no money; with other data it is a conflict.
 */
export function executeCashout(state: TelepagosState, request: CashoutRequest, checkCvuHolder = false): Cashout {
  const fingerprint = fingerprintOf(request);
  const previous = state.cashoutsByReference.get(request.referenceId);
  if (previous) {
    if (previous.fingerprint === fingerprint) {
      // Documented: the same data and reference_id return the result. The `conflict` fault answers 409.
      if (state.config.cashoutReplayAnswer === 'conflict') throw conflict(CASHOUT_REPLAY_CONFLICT_MESSAGE);
      return previous;
    }
    throw conflict(`The reference_id ${request.referenceId} was already used with different data`);
  }
  const destination = resolveDestination(state, request.destination, request.cuit, checkCvuHolder);
  if (destination.cbu === state.account.cbu) throw invalid('You cannot transfer to your own account');
  if (request.amountCents > state.balanceCents) throw invalid('Insufficient funds');

  const entry = state.ledger.add({
    atMs: state.clock.now(),
    income: TX_INCOME.out,
    amountCents: request.amountCents,
    operation: OPERATION_IDS.cashout,
    holder: destination.holder,
    cuit: destination.cuit,
    cvuCbu: destination.cbu,
    status: TX_STATUS.approved,
    salePointName: '',
  });
  state.balanceCents -= request.amountCents;
  const { referenceId, amountCents, concept, description } = request;
  const cashout: Cashout = { id: state.nextId('cashout'), referenceId, fingerprint, destination, amountCents, concept, description, entry };
  state.cashouts.set(cashout.id, cashout);
  state.cashoutsByReference.set(referenceId, cashout);
  return cashout;
}

/** The bank rejected the transfer after the fact: the money comes back and the row says Rechazada. */
export function rejectCashout(state: TelepagosState, cashout: Cashout): void {
  if (cashout.entry.status === TX_STATUS.rejected) throw conflict(`Cashout ${cashout.id} is already rejected`);
  if (cashout.entry.status === TX_STATUS.approved) state.balanceCents += cashout.amountCents;
  cashout.entry.status = TX_STATUS.rejected;
}

export interface CashInRequest {
  buyer: { cuit: string; cvu: string };
  amountCents: number;
  concept: ConceptId;
  description: string;
  operation: OperationId;
  salePointName: string;
  qrOrderId: number | null;
  linkId: number | null;
}

/** Money received: a cash-in record, an income row and a higher balance. */
export function creditCashIn(state: TelepagosState, request: CashInRequest): CashIn {
  const payer = state.accountsByCbu.get(request.buyer.cvu);
  const entry = state.ledger.add({
    atMs: state.clock.now(),
    income: TX_INCOME.in,
    amountCents: request.amountCents,
    operation: request.operation,
    holder: payer?.holder ?? EXTERNAL_HOLDER,
    cuit: request.buyer.cuit,
    cvuCbu: request.buyer.cvu,
    status: TX_STATUS.approved,
    salePointName: request.salePointName,
  });
  state.balanceCents += request.amountCents;
  const { buyer, amountCents, concept, description, qrOrderId, linkId } = request;
  const cashIn: CashIn = { id: state.nextId('cashIn'), buyer, amountCents, concept, description, entry, qrOrderId, linkId };
  state.cashIns.set(cashIn.id, cashIn);
  return cashIn;
}
