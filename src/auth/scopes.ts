/**
 * Which scope each operation needs, checked once per operation before anything executes (so a refused
 * operation causes no provider call): `read` for queries and subscriptions, `cashout` for
 * createCashout, `cashin` for the cash-in and sale-point mutations and createPayment.
 * test/contract/tables.test.ts fails for a mutation missing from MUTATION_SCOPES or an entry naming none,
 * so the `cashout` fallback below is a last resort, never what decides.
 */
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Scope } from './clients.js';

export const MUTATION_SCOPES: Record<string, Scope> = {
  createCashout: 'cashout',
  createQrCharge: 'cashin',
  createTransferLink: 'cashin',
  createPaymentLink: 'cashin',
  createSalePoint: 'cashin',
  deleteSalePoint: 'cashin',
  createSalePointQrOrder: 'cashin',
  createPayment: 'cashin',
};

/** The scopes an operation needs (introspection-only fields need none beyond `read`). */
export function requiredScopes(operation: OperationDefinitionNode): Set<Scope> {
  if (operation.operation !== 'mutation') return new Set(['read']);
  const scopes = new Set<Scope>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      // Fragments on Mutation: require every mutation scope rather than guess.
      for (const scope of Object.values(MUTATION_SCOPES)) scopes.add(scope);
      continue;
    }
    if (selection.name.value === '__typename') continue;
    scopes.add(MUTATION_SCOPES[selection.name.value] ?? 'cashout');
  }
  return scopes;
}
