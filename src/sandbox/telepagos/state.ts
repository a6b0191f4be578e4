/**
 * The in-memory state of one TelePagos account, as its API exposes it. Everything that moves money goes
 * through operations.ts so the balance, the ledger and the records never disagree.
 */
import type { CashoutReplayAnswer, ConceptId, SalePointStatus } from '../../providers/telepagos/assumptions.js';
import { TransactionLedger, type LedgerEntry } from './ledger.js';

/** An account the alias directory knows: a counterparty of transfers. */
export interface KnownAccount {
  holder: string;
  cuit: string;
  /** CBU (bank) or CVU (payment provider, starts with 000). */
  cbu: string;
  alias: string;
}

export interface SalePoint {
  id: number;
  name: string;
  status: SalePointStatus;
}

export interface Cashout {
  id: number;
  referenceId: string;
  /** What a replay with the same reference_id must repeat exactly (see operations.ts). */
  fingerprint: string;
  destination: KnownAccount;
  amountCents: number;
  concept: ConceptId;
  description: string;
  entry: LedgerEntry;
}

export interface CashIn {
  id: number;
  buyer: { cuit: string; cvu: string };
  amountCents: number;
  concept: ConceptId;
  description: string;
  entry: LedgerEntry;
  qrOrderId: number | null;
  linkId: number | null;
}

export interface QrOrder {
  id: number;
  amountCents: number;
  concept: ConceptId;
  description: string;
  /** Set for orders of a sale point's closed static QR. */
  salePointId: number | null;
  qrCode: string | null;
  cashInId: number | null;
}

export interface PaymentLink {
  id: number;
  url: string;
  amountCents: number;
  expiresAtMs: number;
  multipleUse: boolean;
  concept: ConceptId;
  distribution: { cvu: string; amountCents: number }[] | null;
  cashInIds: number[];
}

export interface TransferLink {
  url: string;
  payer: { cvu: string; cuit: string };
  amountCents: number;
  concept: ConceptId;
  description: string;
}

/** Runtime settings that reset with the state (back to the options' values). */
export interface TelepagosConfig {
  credentials: { username: string; password: string };
  webhookUrl: string | null;
  webhookSecret: string;
  whitelabel: boolean;
  /** The HTTP status of a refused token (401; 403 or 200 serve the other forms TelePagos may use). */
  tokenRefusalStatus: TokenRefusalStatus;
  /**
   * How a replay of a known reference_id with the same data is answered: `result` (documented: the first
   * transfer's id, no money moves) or `conflict` (a fault: 409 CASHOUT_REPLAY_CONFLICT_MESSAGE).
   */
  cashoutReplayAnswer: CashoutReplayAnswer;
}

/** The HTTP statuses a refused token can come with: the message says why, whatever the status. */
export const TOKEN_REFUSAL_STATUSES = [401, 403, 200] as const;
export type TokenRefusalStatus = (typeof TOKEN_REFUSAL_STATUSES)[number];

/** The sandbox's notion of "now": the seeded anchor plus the real time elapsed since the state was built. */
export class SandboxClock {
  private readonly startedAtRealMs = Date.now();
  constructor(private readonly anchorMs: number) {}
  now(): number {
    return this.anchorMs + (Date.now() - this.startedAtRealMs);
  }
}

type IdKind = 'cashout' | 'cashIn' | 'qrOrder' | 'link' | 'salePoint';

/** Distinct ranges per kind, so a client mixing up ids gets a 404 instead of someone else's record. */
const FIRST_IDS: Record<IdKind, number> = { cashout: 100_001, cashIn: 500_001, qrOrder: 700_001, link: 800_001, salePoint: 1 };
export const FIRST_TRANSACTION_NUMBER = 9_000_001;

export class TelepagosState {
  readonly ledger = new TransactionLedger(FIRST_TRANSACTION_NUMBER);
  readonly cashouts = new Map<number, Cashout>();
  readonly cashoutsByReference = new Map<string, Cashout>();
  readonly cashIns = new Map<number, CashIn>();
  readonly qrOrders = new Map<number, QrOrder>();
  readonly paymentLinks = new Map<number, PaymentLink>();
  readonly transferLinks: TransferLink[] = [];
  readonly salePoints = new Map<number, SalePoint>();
  /** alias (lower case) → account, and CBU → account. */
  readonly aliases = new Map<string, KnownAccount>();
  readonly accountsByCbu = new Map<string, KnownAccount>();
  /** Epoch ms of white-label events the statistics count, ascending. */
  readonly cvuOpenings: number[] = [];
  readonly smsSent: number[] = [];
  balanceCents = 0;
  private readonly nextIds = { ...FIRST_IDS };

  constructor(
    /** The account itself: the holder of the balance. */
    readonly account: KnownAccount,
    readonly clock: SandboxClock,
    readonly config: TelepagosConfig,
  ) {}

  nextId(kind: IdKind): number {
    return this.nextIds[kind]++;
  }

  addKnownAccount(account: KnownAccount): void {
    this.aliases.set(account.alias.toLowerCase(), account);
    this.accountsByCbu.set(account.cbu, account);
  }

  findSalePointByName(name: string): SalePoint | undefined {
    const wanted = name.toLowerCase();
    for (const salePoint of this.salePoints.values()) if (salePoint.name.toLowerCase() === wanted) return salePoint;
    return undefined;
  }
}
