/** Ways to collect: dynamic QR orders, transfer and payment links, sale points and their static QRs. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  DISTRIBUTION_RULES,
  SALE_POINT_STATUS,
  STATIC_QR_TYPES,
  TELEPAGOS_TEXT_LIMITS,
  TELEPAGOS_PATHS as PATHS,
  TELEPAGOS_STRICT_RULES,
  parseArgentinaDateTime,
  type StaticQrType,
} from '../../providers/telepagos/assumptions.js';
import { endpoint, type Runtime } from './endpoint.js';
import {
  fieldsOf,
  invalid,
  notFound,
  readAmountCents,
  readCbu,
  requiredAmountCents,
  requiredBoolean,
  requiredConcept,
  requiredCuit,
  requiredInteger,
  requiredString,
  type Fields,
} from './input.js';
import { resolveDestination } from './operations.js';
import { dynamicOrderQr, staticSalePointQr } from './qr.js';
import type { PaymentLink, QrOrder, SalePoint, TelepagosState } from './state.js';

/** Where generated links point. `.test` is a reserved TLD: nobody mistakes these for real links. */
export const SANDBOX_LINK_BASE = 'https://sandbox.telepagos.test';
const SALE_POINT_NAME_MAX = 50;

const bodyOf = (body: unknown): Fields => fieldsOf(undefined, body);

/** A known sale point, or 404. */
function knownSalePoint(state: TelepagosState, id: number): SalePoint {
  const salePoint = state.salePoints.get(id);
  if (!salePoint) throw notFound(`Sale point ${id} not found`);
  return salePoint;
}

/**
 * An active sale point, or 404 (unknown) / 422 (inactive). Assumption: an inactive sale point takes no
 * new orders, but its static QR (a printed sticker) can still be read.
 */
function activeSalePoint(state: TelepagosState, id: number): SalePoint {
  const salePoint = knownSalePoint(state, id);
  if (salePoint.status !== SALE_POINT_STATUS.active) throw invalid(`The sale point ${id} is inactive.`);
  return salePoint;
}

function readFuture(fields: Fields, name: string, nowMs: number): number {
  const atMs = parseArgentinaDateTime(requiredString(fields, name, 19));
  if (atMs === null) throw invalid(`The ${name} does not match the format Y-m-d H:i:s.`);
  if (atMs <= nowMs) throw invalid(`The ${name} must be a date after now.`);
  return atMs;
}

/**
 * `distribution` as JSON, as a JSON string inside a form, or as form keys `distribution[0][cvu]`.
 * Absent → null. Its amounts must add up exactly to the link's amount.
 */
function readDistribution(fields: Fields, amountCents: number): PaymentLink['distribution'] {
  let raw: unknown = fields.distribution;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw invalid('The distribution must be an array.');
    }
  }
  if (raw === undefined) raw = distributionFromFormKeys(fields);
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || raw.length === 0) throw invalid('The distribution must be a non-empty array.');
  if (raw.length > DISTRIBUTION_RULES.maxParts) throw invalid(`The distribution may not have more than ${DISTRIBUTION_RULES.maxParts} items.`);
  const parts = raw.map((item: unknown, i) => {
    const part = (typeof item === 'object' && item !== null ? item : {}) as Fields;
    return { cvu: readCbu(part.cvu, `distribution.${i}.cvu`), amountCents: readAmountCents(part.amount, `distribution.${i}.amount`) };
  });
  const sum = parts.reduce((total, part) => total + part.amountCents, 0);
  if (DISTRIBUTION_RULES.sumsToAmount && sum !== amountCents) throw invalid('The distribution amounts must add up to the amount.');
  return parts;
}

function distributionFromFormKeys(fields: Fields): Fields[] | undefined {
  const items: Fields[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const match = /^distribution\[(\d+)\]\[(cvu|amount)\]$/.exec(key);
    if (match) (items[Number(match[1])] ??= {})[match[2]!] = value;
  }
  return items.length ? Array.from(items, (item) => item ?? {}) : undefined;
}

type OrderInput = Pick<QrOrder, 'amountCents' | 'concept' | 'description'>;

function readOrderInput(fields: Fields): OrderInput {
  return {
    amountCents: requiredAmountCents(fields),
    concept: requiredConcept(fields),
    description: requiredString(fields, 'description', TELEPAGOS_TEXT_LIMITS.description),
  };
}

function createOrder(state: TelepagosState, input: OrderInput, salePointId: number | null): QrOrder {
  const order: QrOrder = { ...input, id: state.nextId('qrOrder'), salePointId, qrCode: null, cashInId: null };
  state.qrOrders.set(order.id, order);
  return order;
}

export function registerCollectRoutes(app: FastifyInstance, runtime: Runtime): void {
  endpoint(app, runtime, 'POST', PATHS.qrGenerate, (request, state) => {
    const order = createOrder(state, readOrderInput(bodyOf(request.body)), null);
    order.qrCode = dynamicOrderQr(state.account.cbu, state.account.holder, order.id, order.amountCents);
    return { qr_code: order.qrCode, qr_order_id: order.id };
  });

  endpoint(app, runtime, 'POST', PATHS.transferLinkGenerate, (request, state) => {
    const fields = bodyOf(request.body);
    const payer = { cvu: readCbu(fields.cvu), cuit: requiredCuit(fields) };
    const link = { payer, ...readOrderInput(fields) };
    // The CUIT must be the account holder's only under the strict rule: no document says it is checked.
    resolveDestination(state, { cvu: payer.cvu }, payer.cuit, runtime.strict.has(TELEPAGOS_STRICT_RULES.cvuHolder));
    const url = `${SANDBOX_LINK_BASE}/transferencia/${randomUUID()}`;
    state.transferLinks.push({ ...link, url });
    return { payment_link: url };
  });

  endpoint(app, runtime, 'POST', PATHS.paymentLinkGenerate, (request, state) => {
    const fields = bodyOf(request.body);
    const expiresAtMs = readFuture(fields, 'expiration_date', state.clock.now());
    const amountCents = requiredAmountCents(fields);
    const multipleUse = requiredBoolean(fields, 'multiple_use');
    const concept = requiredConcept(fields);
    const distribution = readDistribution(fields, amountCents);
    const id = state.nextId('link');
    const link: PaymentLink = { id, url: `${SANDBOX_LINK_BASE}/link/${id}`, amountCents, expiresAtMs, multipleUse, concept, distribution, cashInIds: [] };
    state.paymentLinks.set(id, link);
    return { link: link.url, link_id: id };
  });

  endpoint(app, runtime, 'GET', PATHS.salePoint, (_request, state) => ({
    sale_points: [...state.salePoints.values()].map(({ id, name, status }) => ({ id, name, status })),
  }));

  endpoint(app, runtime, 'POST', PATHS.salePoint, (request, state) => {
    const name = requiredString(bodyOf(request.body), 'name', SALE_POINT_NAME_MAX);
    if (state.findSalePointByName(name)) throw invalid('The name has already been taken.');
    const id = state.nextId('salePoint');
    state.salePoints.set(id, { id, name, status: SALE_POINT_STATUS.active });
    return { sale_point_id: id };
  });

  endpoint(app, runtime, 'DELETE', PATHS.salePoint, (request, state) => {
    const id = requiredInteger(fieldsOf(request.query, request.body), 'sale_point_id');
    if (!state.salePoints.delete(id)) throw notFound(`Sale point ${id} not found`);
    return {};
  });

  endpoint(app, runtime, 'GET', PATHS.salePointStaticQr, (request, state) => {
    // The query string (STATIC_QR_PARAMETERS_IN), or the body the document draws.
    const fields = fieldsOf(request.query, request.body);
    const type = requiredString(fields, 'type_amount') as StaticQrType;
    if (!STATIC_QR_TYPES.includes(type)) throw invalid('The selected type_amount is invalid.');
    const salePoint = knownSalePoint(state, requiredInteger(fields, 'sale_point_id'));
    return { qr_code: staticSalePointQr(state.account.cbu, state.account.holder, salePoint.id, type) };
  });

  endpoint(app, runtime, 'POST', PATHS.staticQrOrder, (request, state) => {
    const fields = bodyOf(request.body);
    const input = readOrderInput(fields);
    const salePoint = activeSalePoint(state, requiredInteger(fields, 'sale_point_id'));
    return { qr_order_id: createOrder(state, input, salePoint.id).id };
  });
}
