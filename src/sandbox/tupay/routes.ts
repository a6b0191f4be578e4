/** Tupay's own paths (`/v1/...`): login, session destroy, the listings, the balance and its report. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  TUPAY_BALANCE_TYPE,
  TUPAY_CASHOUT_PATHS,
  TUPAY_CASHOUT_STATUSES,
  TUPAY_DEPOSIT_STATUSES,
  TUPAY_PATHS,
  TUPAY_STRICT_RULES,
  type TupayRangeEnd,
  type TupayRangeUnit,
} from '../../providers/tupay/assumptions.js';
import type { SandboxRuntime } from '../server.js';
import { destroyHandler, ipGuard, loginHandler, sendError, sessionGuard, type TupayCredentials } from './auth.js';
import { pageOf, parseFilters, parseRange, type Filterable } from './query.js';
import { CURRENCIES, cashoutToWire, centsToAmount, depositToWire, type Timestamped } from './records.js';
import type { Ledger } from './ledger.js';
import { balanceReport } from './report.js';
import type { TupayState } from './state.js';

type Runtime = SandboxRuntime<TupayState>;

const rangeOf = (runtime: Runtime, request: FastifyRequest, dates = false) =>
  parseRange(request.query as Record<string, unknown>, {
    edgeExclusive: runtime.strict.has(TUPAY_STRICT_RULES.rangeEdge),
    dates,
    unit: runtime.wire.rangeUnit as TupayRangeUnit,
    end: runtime.wire.rangeEnd as TupayRangeEnd,
  });

function balanceBody(state: TupayState) {
  return {
    balances: CURRENCIES.map((currency) => {
      const { availableCents, pendingCents } = state.balances[currency];
      return {
        currency,
        type: TUPAY_BALANCE_TYPE,
        data: {
          totalBalance: centsToAmount(availableCents + pendingCents),
          availableBalance: centsToAmount(availableCents),
          pendingSettlementAmount: centsToAmount(pendingCents),
        },
      };
    }),
  };
}

/** A listing handler: validate the whole query first, then read one page of the ledger. */
function listing<T extends Timestamped & Filterable, W>(
  runtime: Runtime,
  ledgerOf: (state: TupayState) => Ledger<T>,
  toWire: (record: T) => W,
  statuses: readonly string[],
  kind: 'deposit' | 'cashout',
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const range = rangeOf(runtime, request);
    if (!range.ok) return sendError(reply, runtime, 400, range.message);
    const filter = parseFilters<T>(query, statuses, kind);
    if (!filter.ok) return sendError(reply, runtime, 400, filter.message);
    return pageOf(ledgerOf(runtime.state), range.value, toWire, filter.value);
  };
}

export function registerRoutes(app: FastifyInstance, runtime: Runtime, credentials: TupayCredentials): void {
  const ip = ipGuard(runtime);
  const authed = { preHandler: [ip, sessionGuard(runtime)] };
  const path = (relative: string): string => `/${relative}`;

  app.post(path(TUPAY_PATHS.login), { preHandler: [ip] }, loginHandler(runtime, credentials));
  app.delete(path(TUPAY_PATHS.destroySession), authed, destroyHandler(runtime));

  app.get(
    path(TUPAY_PATHS.deposits),
    authed,
    listing(runtime, (s) => s.deposits, depositToWire, TUPAY_DEPOSIT_STATUSES, 'deposit'),
  );
  const cashouts = listing(runtime, (s) => s.cashouts, cashoutToWire, TUPAY_CASHOUT_STATUSES, 'cashout');
  for (const spelling of TUPAY_CASHOUT_PATHS) app.get(path(spelling), authed, cashouts);

  app.get(path(TUPAY_PATHS.balance), authed, async () => balanceBody(runtime.state));
  app.get(path(TUPAY_PATHS.balanceReport), authed, async (request, reply) => {
    // Typed "string" in the document: Unix seconds or YYYY-MM-DD days (TUPAY_REPORT_RANGE_FORMATS).
    const range = rangeOf(runtime, request, true);
    if (!range.ok) return sendError(reply, runtime, 400, range.message);
    return balanceReport(runtime.state, range.value);
  });
}
