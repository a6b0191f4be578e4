/**
 * The sale-point join of a transactions page without a promise per row.
 *
 * Each row's `salePoint` looks its name up in this request's sale-point list (one upstream call per
 * request). When the rows are resolved before that list has arrived, each of them waits on it: 50
 * promises, and graphql-js then completes every row asynchronously. So when the query asks for
 * `salePoint` and some row names one, the transactions field waits for the list itself (the same call,
 * made at the same point: right after the rows arrived), and every row's lookup is then synchronous.
 * A failed list is left for the rows to report, exactly as before (each row's `salePoint` is null with
 * its error).
 */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../../context.js';
import { salePoints } from '../sale-points/sale-points.loaders.js';
import type { TransactionValue } from './transaction.type.js';

const asksForSalePoint = new WeakMap<readonly FieldNode[], boolean>();

/** Whether `salePoint` is selected anywhere under this field (fragments included). */
function selectsSalePoint(info: GraphQLResolveInfo): boolean {
  let answer = asksForSalePoint.get(info.fieldNodes);
  if (answer === undefined) {
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode | undefined): boolean =>
      !!set &&
      set.selections.some((selection) => {
        if (selection.kind === Kind.FIELD) return selection.name.value === 'salePoint' || walk(selection.selectionSet);
        if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet);
        const name = selection.name.value;
        if (seen.has(name)) return false;
        seen.add(name);
        return walk(info.fragments[name]?.selectionSet);
      });
    answer = info.fieldNodes.some((node) => walk(node.selectionSet));
    asksForSalePoint.set(info.fieldNodes, answer);
  }
  return answer;
}

/** Waits for this request's sale points when the rows will look them up (never throws). */
export async function preloadSalePoints(ctx: GatewayContext, info: GraphQLResolveInfo, items: readonly TransactionValue[]): Promise<void> {
  const joined = items.find((t) => t.salePointName);
  if (!joined || !ctx.providers.capable(joined.provider, 'salePoints') || !selectsSalePoint(info)) return;
  try {
    await salePoints(ctx);
  } catch {
    // Each row's salePoint reports it.
  }
}
