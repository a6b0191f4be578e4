/** Seeded randomness so every sandbox starts with the same data for the same seed and anchor date. */
import { buildCbu, buildCuit } from '../domain/identifiers.js';

export type Random = () => number;

/** mulberry32: small, fast, good enough to spread fixtures; never for anything secret. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function digits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(random() * 10);
  return out;
}

/** A CUIT with a valid check digit (prefix 20, 23, 27 for people, 30 for companies). */
export function randomCuit(random: Random): string {
  for (;;) {
    const cuit = buildCuit(pick(random, ['20', '23', '27', '30']), digits(random, 8));
    if (cuit) return cuit;
  }
}

/** A CBU (bank) or, with `cvu`, a CVU (entity 000), both with valid check digits. */
export function randomCbu(random: Random, cvu = false): string {
  const entity = cvu ? '000' : pick(random, ['007', '011', '014', '017', '072', '285']);
  return buildCbu(entity, digits(random, 4), digits(random, 13));
}

/** Fixed-point money helpers: sandboxes keep amounts in integer cents so sums never drift. */
/**
 * Parses a provider amount (JSON number or decimal string) into integer cents: positive, at most two
 * decimals. Returns null for anything else (the sandbox then answers with the provider's error).
 */
export function parseAmountCents(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  const text = String(value).trim();
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : null;
}

export function centsToDecimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
