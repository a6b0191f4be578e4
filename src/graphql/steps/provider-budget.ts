/**
 * Authorization: the operation priced with its variables' values (fields priced by their arguments,
 * such as activity's range) against the provider-call budget: QUERY_TOO_COMPLEX over it. The price of
 * what the document says literally was checked when it was validated (src/graphql/limits.ts).
 */
import type { GraphQLSchema } from 'graphql';
import { refuseOverBudget, type ArgumentPricing } from '../limits.js';
import type { Step } from './step.js';

export function providerBudget(schema: GraphQLSchema, pricing: ArgumentPricing): Step {
  return {
    name: 'provider-budget',
    authorize({ document, definition, variables }) {
      if (!document || !definition) return undefined;
      return refuseOverBudget(schema, document, definition, variables, pricing);
    },
  };
}
