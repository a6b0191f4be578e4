/**
 * Deterministic seeded state: the same seed and `now` give the same accounts, history and balance.
 * History is generated oldest first, so every ledger insertion is an append.
 */
import {
  CONCEPTS,
  DEFAULT_CASHOUT_REPLAY_ANSWER,
  OPERATION_IDS,
  TX_INCOME,
  TX_STATUS,
  type OperationId,
  type TxStatus,
} from '../../providers/telepagos/assumptions.js';
import { TELEPAGOS_SANDBOX_CREDENTIALS } from '../../providers/telepagos/sandbox-credentials.js';
import { pick, randomCbu, randomCuit, randomInt, seededRandom, type Random } from '../random.js';
import { FIXTURE_ACCOUNTS, FIXTURE_SALE_POINTS, SALE_POINTS_WITH_HISTORY, TELEPAGOS_ACCOUNT } from './fixtures.js';
import { TELEPAGOS_DEFAULTS, type TelepagosSandboxOptions } from './options.js';
import { SandboxClock, TelepagosState, type KnownAccount } from './state.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_NAMES = ['Lucia', 'Martin', 'Sofia', 'Juan', 'Valentina', 'Diego', 'Camila', 'Pablo', 'Julieta', 'Tomas'];
const LAST_NAMES = ['Fernandez', 'Rodriguez', 'Lopez', 'Martinez', 'Garcia', 'Perez', 'Sanchez', 'Romero', 'Diaz', 'Alvarez'];
const SERVICE_COMPANIES = ['Edenor', 'Metrogas', 'AySA', 'Telecom', 'ABL CABA'];
const COUNTERPARTIES = 30;

interface Kind {
  operation: OperationId;
  weight: number;
  minPesos: number;
  maxPesos: number;
}

/** The mix of the seeded history: mostly collections, a quarter transfers out. */
const KINDS: readonly Kind[] = [
  { operation: OPERATION_IDS.transferIn, weight: 30, minPesos: 1_000, maxPesos: 250_000 },
  { operation: OPERATION_IDS.qrPayment, weight: 30, minPesos: 300, maxPesos: 60_000 },
  { operation: OPERATION_IDS.linkPayment, weight: 10, minPesos: 2_000, maxPesos: 120_000 },
  { operation: OPERATION_IDS.cashout, weight: 25, minPesos: 5_000, maxPesos: 400_000 },
  { operation: OPERATION_IDS.servicePayment, weight: 5, minPesos: 8_000, maxPesos: 90_000 },
];
const TOTAL_WEIGHT = KINDS.reduce((sum, kind) => sum + kind.weight, 0);

function pickKind(random: Random): Kind {
  let roll = random() * TOTAL_WEIGHT;
  for (const kind of KINDS) if ((roll -= kind.weight) < 0) return kind;
  return KINDS[0]!;
}

function counterparty(random: Random, index: number): KnownAccount {
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  return {
    holder: `${first} ${last}`,
    cuit: randomCuit(random),
    cbu: randomCbu(random, random() < 0.5),
    // The index keeps aliases unique; the result stays within the 6–20 character rule.
    alias: `${first}.${last}.${index}`.toLowerCase().slice(0, 20),
  };
}

/** Sorted whole-second times in the `days` before `anchorMs`, `perDay` on average. */
function historyTimes(random: Random, anchorMs: number, days: number, perDay: number): number[] {
  const times: number[] = [];
  for (let day = days - 1; day >= 0; day--) {
    const count = randomInt(random, 0, Math.round(2 * perDay));
    const dayTimes: number[] = [];
    for (let i = 0; i < count; i++) dayTimes.push(Math.floor((anchorMs - day * DAY_MS - random() * DAY_MS) / 1000) * 1000);
    times.push(...dayTimes.sort((a, b) => a - b));
  }
  // Distinct seconds make every printed row distinct, which keeps pagination checks meaningful.
  for (let i = 1; i < times.length; i++) if (times[i]! <= times[i - 1]!) times[i] = times[i - 1]! + 1000;
  return times;
}

function seededStatus(random: Random, income: boolean): TxStatus {
  const roll = random();
  if (roll < 0.03) return TX_STATUS.pending;
  if (!income && roll < 0.07) return TX_STATUS.rejected;
  return TX_STATUS.approved;
}

function seedHistory(state: TelepagosState, random: Random, anchorMs: number, days: number, perDay: number): void {
  const people = Array.from({ length: COUNTERPARTIES }, (_, i) => counterparty(random, i + 1));
  for (const person of people) state.addKnownAccount(person);
  const services = SERVICE_COMPANIES.map((holder) => ({ holder, cuit: randomCuit(random) }));
  const salePointNames = new Map(FIXTURE_SALE_POINTS.map((sp) => [sp.id, sp.name]));

  for (const atMs of historyTimes(random, anchorMs, days, perDay)) {
    const kind = pickKind(random);
    const income = kind.operation !== OPERATION_IDS.cashout && kind.operation !== OPERATION_IDS.servicePayment;
    const amountCents = randomInt(random, kind.minPesos * 100, kind.maxPesos * 100);
    const concept = pick(random, CONCEPTS).id;
    const person = pick(random, people);
    const isService = kind.operation === OPERATION_IDS.servicePayment;
    const service = isService ? pick(random, services) : null;
    const isQr = kind.operation === OPERATION_IDS.qrPayment;
    const entry = state.ledger.add({
      atMs,
      income: income ? TX_INCOME.in : TX_INCOME.out,
      amountCents,
      operation: kind.operation,
      holder: service?.holder ?? person.holder,
      cuit: service?.cuit ?? person.cuit,
      cvuCbu: service ? '' : person.cbu,
      status: seededStatus(random, income),
      salePointName: isQr ? (salePointNames.get(pick(random, SALE_POINTS_WITH_HISTORY)) ?? '') : '',
    });
    if (income) {
      const id = state.nextId('cashIn');
      state.cashIns.set(id, {
        id,
        buyer: { cuit: person.cuit, cvu: person.cbu },
        amountCents,
        concept,
        description: isQr ? 'Cobro QR' : kind.operation === OPERATION_IDS.linkPayment ? 'Cobro con link' : 'Transferencia',
        entry,
        // Seeded orders and links left no record of their own: only their numbers remain.
        qrOrderId: isQr ? state.nextId('qrOrder') : null,
        linkId: kind.operation === OPERATION_IDS.linkPayment ? state.nextId('link') : null,
      });
    } else if (!isService) {
      const id = state.nextId('cashout');
      const cashout = { id, referenceId: `seed-${id}`, fingerprint: '', destination: person, amountCents, concept, description: 'Pago a proveedor', entry };
      state.cashouts.set(id, cashout);
      state.cashoutsByReference.set(cashout.referenceId, cashout);
    }
  }
}

/** White-label events of the statistics: opened CVUs and sent SMS, a few a day. */
function seedWhitelabelEvents(state: TelepagosState, random: Random, anchorMs: number, days: number): void {
  for (let day = days - 1; day >= 0; day--) {
    const dayStart = anchorMs - (day + 1) * DAY_MS;
    const openings = randomInt(random, 0, 2);
    const sms = randomInt(random, 0, 4);
    for (let hour = 1; hour <= openings; hour++) state.cvuOpenings.push(dayStart + hour * 3_600_000);
    for (let hour = 1; hour <= sms; hour++) state.smsSent.push(dayStart + hour * 3_600_000);
  }
}

export function createTelepagosState(options: TelepagosSandboxOptions): TelepagosState {
  const random = seededRandom(options.seed ?? TELEPAGOS_DEFAULTS.seed);
  const anchorMs = (options.now ?? new Date()).getTime();
  const days = options.days ?? TELEPAGOS_DEFAULTS.days;
  const { username, password, webhookSecret } = TELEPAGOS_SANDBOX_CREDENTIALS;
  const state = new TelepagosState({ ...TELEPAGOS_ACCOUNT }, new SandboxClock(anchorMs), {
    credentials: options.credentials ?? { username, password },
    webhookUrl: options.webhookUrl ?? null,
    webhookSecret: options.webhookSecret ?? webhookSecret,
    whitelabel: options.whitelabel ?? true,
    tokenRefusalStatus: options.tokenRefusalStatus ?? 401,
    cashoutReplayAnswer: DEFAULT_CASHOUT_REPLAY_ANSWER,
  });
  for (const account of Object.values(FIXTURE_ACCOUNTS)) state.addKnownAccount({ ...account });
  for (const salePoint of FIXTURE_SALE_POINTS) {
    const id = state.nextId('salePoint'); // 1, 2, 3… in the order FIXTURE_SALE_POINTS lists them
    state.salePoints.set(id, { ...salePoint, id });
  }
  seedHistory(state, random, anchorMs, days, options.transactionsPerDay ?? TELEPAGOS_DEFAULTS.transactionsPerDay);
  seedWhitelabelEvents(state, random, anchorMs, days);
  // The opening balance: between 1.5 and 3 million pesos, with cents so the truncation shows.
  state.balanceCents = randomInt(random, 150_000_000, 300_000_000);
  return state;
}
