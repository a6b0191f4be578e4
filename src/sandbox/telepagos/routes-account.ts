/** Token, concepts, balance, transactions and statistics. */
import type { FastifyInstance } from 'fastify';
import {
  CONCEPTS,
  OPERATIONS,
  OPERATION_IDS,
  STATISTICS_PERIOD_PATTERN,
  TELEPAGOS_MESSAGES,
  TELEPAGOS_PATHS as PATHS,
  TRANSACTIONS_PAGE_SIZE,
  TX_INCOME,
  TX_STATUS,
  argentinaDayEndMs,
  argentinaDayStartMs,
  decimalWire,
  formatArgentinaDateTime,
  type BalanceUnit,
  type OperationId,
  type TransactionsOrder,
} from '../../providers/telepagos/assumptions.js';
import { endpoint, type Runtime } from './endpoint.js';
import { forbidden, invalid, optionalString, requiredString, unauthorized, type Fields } from './input.js';
import type { LedgerEntry } from './ledger.js';
import type { TelepagosState } from './state.js';

function toWireTransaction(entry: LedgerEntry) {
  return {
    income: entry.income,
    date: formatArgentinaDateTime(entry.atMs),
    amount: decimalWire(entry.amountCents),
    operation: entry.operation,
    holder: entry.holder,
    cuit: entry.cuit,
    cvu_cbu: entry.cvuCbu,
    status: entry.status,
    sale_point_name: entry.salePointName,
  };
}

function readDay(fields: Fields, name: 'date_from' | 'date_to'): string {
  const date = requiredString(fields, name, 10);
  if (argentinaDayStartMs(date) === null) throw invalid(`The ${name} does not match the format Y-m-d.`);
  return date;
}

function readOperation(fields: Fields): OperationId | undefined {
  const id = optionalString(fields, 'operation');
  if (id === undefined) return undefined;
  const operation = OPERATIONS.find((op) => op.id === id);
  if (!operation) throw invalid('The selected operation is invalid.');
  return operation.id;
}

function readPagination(fields: Fields): number | null {
  const paginate = optionalString(fields, 'paginate') ?? '0';
  if (paginate !== '0' && paginate !== '1') throw invalid('The paginate field must be 0 or 1.');
  if (paginate === '0') return null;
  const page = optionalString(fields, 'page') ?? '1';
  if (!/^\d{1,9}$/.test(page) || Number(page) < 1) throw invalid('The page must be an integer of at least 1.');
  return Number(page);
}

function listTransactions(fields: Fields, state: TelepagosState, order: TransactionsOrder): object {
  const dateFrom = readDay(fields, 'date_from');
  const dateTo = readDay(fields, 'date_to');
  if (dateFrom > dateTo) throw invalid('The date_to must be a date after or equal to date_from.');
  const operation = readOperation(fields);
  const page = readPagination(fields);
  const [fromMs, toMs] = [argentinaDayStartMs(dateFrom)!, argentinaDayEndMs(dateTo)!];
  if (page === null) {
    return { transactions: state.ledger.query(fromMs, toMs, operation, undefined, order).entries.map(toWireTransaction) };
  }
  const size = TRANSACTIONS_PAGE_SIZE;
  const result = state.ledger.query(fromMs, toMs, operation, { offset: (page - 1) * size, limit: size }, order);
  return {
    transactions: result.entries.map(toWireTransaction),
    number_of_results: result.total,
    page,
    // Laravel's lastPage: at least 1, even with no results.
    pages: Math.max(1, Math.ceil(result.total / size)),
    pagination: size,
  };
}

/** `balance.amount` in the unit played (BALANCE_UNITS). */
const balanceAmount = (cents: number, unit: BalanceUnit): number => (unit === 'cents' ? cents : Math.trunc(cents / 100));

function countBetween(times: readonly number[], fromMs: number, toMs: number): number {
  return times.filter((t) => t >= fromMs && t < toMs).length;
}

function statistics(period: string, state: TelepagosState): object {
  if (!state.config.whitelabel) {
    throw forbidden('The user is not related to the collecting account');
  }
  if (!STATISTICS_PERIOD_PATTERN.test(period)) throw invalid('The period does not match the format Y-m.');
  const [year, month] = period.split('-').map(Number) as [number, number];
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
  const [fromMs, toMs] = [argentinaDayStartMs(`${period}-01`)!, argentinaDayStartMs(`${next}-01`)!];
  const totals = { [TX_INCOME.in]: 0, [TX_INCOME.out]: 0 };
  const counts = { [TX_INCOME.in]: 0, [TX_INCOME.out]: 0 };
  for (const entry of state.ledger.query(fromMs, toMs).entries) {
    if (entry.status !== TX_STATUS.approved) continue;
    totals[entry.income] += entry.amountCents;
    counts[entry.income]++;
  }
  const total = (income: 0 | 1) => (counts[income] ? decimalWire(totals[income]) : null);
  const servicePayments = state.ledger.query(fromMs, toMs, OPERATION_IDS.servicePayment).entries;
  return {
    data: [
      [{ count_open_cvu: countBetween(state.cvuOpenings, fromMs, toMs) }],
      [{ total_cashout: total(TX_INCOME.out), total_cashin: total(TX_INCOME.in) }],
      [{ count_payments_services: servicePayments.filter((e) => e.status === TX_STATUS.approved).length }],
      [{ count_sent_sms: countBetween(state.smsSent, fromMs, toMs) }],
    ],
  };
}

export function registerAccountRoutes(app: FastifyInstance, runtime: Runtime): void {
  endpoint(
    app,
    runtime,
    'POST',
    PATHS.token,
    (request, state) => {
      const fields = (request.body ?? {}) as Fields;
      const username = requiredString(fields, 'username');
      const password = requiredString(fields, 'password');
      const expected = state.config.credentials;
      if (username !== expected.username || password !== expected.password) throw unauthorized(TELEPAGOS_MESSAGES.wrongCredentials);
      const { token, expiresAtMs } = runtime.tokens.issue(username);
      return { token, expires_at: Math.floor(expiresAtMs / 1000) };
    },
    { auth: false },
  );

  endpoint(app, runtime, 'GET', PATHS.concepts, () => ({ concepts: CONCEPTS }));
  // Whole pesos, truncated (the guess), or cents: an integer either way (wire choice `balanceUnit`).
  endpoint(app, runtime, 'GET', PATHS.balance, (_request, state) => ({ amount: balanceAmount(state.balanceCents, runtime.wire.balanceUnit as BalanceUnit) }));
  endpoint(app, runtime, 'GET', PATHS.transactionsFilters, () => ({ operations: OPERATIONS }));
  endpoint(app, runtime, 'GET', PATHS.transactions, (request, state) =>
    listTransactions(request.query as Fields, state, runtime.wire.transactionsOrder as TransactionsOrder),
  );
  endpoint(app, runtime, 'GET', `${PATHS.statistics}/:period`, (request, state) => statistics((request.params as { period: string }).period, state));
}
