/**
 * Argentine account identifiers: CUIT/CUIL, CBU/CVU and alias. One implementation, used by the
 * sandboxes to validate like the provider does and by the gateway to refuse bad input before any call.
 * Rules: docs/providers.md, "Argentine identifiers".
 */

const CUIT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const CBU_BLOCK1_WEIGHTS = [7, 1, 3, 9, 7, 1, 3] as const;
const CBU_BLOCK2_WEIGHTS = [3, 9, 7, 1, 3, 9, 7, 1, 3, 9, 7, 1, 3] as const;
const ALIAS_PATTERN = /^[A-Za-z0-9.-]{6,20}$/;

function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * weights[i]!;
  return sum;
}

/** The CUIT check digit for ten leading digits, or null when the authority would not issue it (10). */
export function cuitCheckDigit(firstTen: string): number | null {
  const check = 11 - (weightedSum(firstTen, CUIT_WEIGHTS) % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** Accepts `20-12345678-6` or `20123456786`; returns the 11 digits, or null when malformed or invalid. */
export function normalizeCuit(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\d{2}-?\d{8}-?\d$/.test(trimmed)) return null;
  const digits = trimmed.replace(/-/g, '');
  return cuitCheckDigit(digits.slice(0, 10)) === Number(digits[10]) ? digits : null;
}

export function isValidCuit(input: string): boolean {
  return normalizeCuit(input) !== null;
}

function cbuCheckDigit(digits: string, weights: readonly number[]): number {
  return (10 - (weightedSum(digits, weights) % 10)) % 10;
}

/** 22 digits whose two check digits (entity+branch block, account block) are valid. */
export function isValidCbu(input: string): boolean {
  if (!/^\d{22}$/.test(input)) return false;
  return (
    cbuCheckDigit(input.slice(0, 7), CBU_BLOCK1_WEIGHTS) === Number(input[7]) && cbuCheckDigit(input.slice(8, 21), CBU_BLOCK2_WEIGHTS) === Number(input[21])
  );
}

/** A CVU is a CBU-shaped key of an account at a payment service provider: it starts with `000`. */
export function isCvu(cbu: string): boolean {
  return cbu.startsWith('000');
}

/** Builds a valid CBU/CVU from a 3-digit entity, 4-digit branch and 13-digit account number. */
export function buildCbu(entity: string, branch: string, account: string): string {
  const block1 = `${entity}${branch}`;
  if (!/^\d{7}$/.test(block1) || !/^\d{13}$/.test(account)) throw new Error('buildCbu: wrong lengths');
  return `${block1}${cbuCheckDigit(block1, CBU_BLOCK1_WEIGHTS)}${account}${cbuCheckDigit(account, CBU_BLOCK2_WEIGHTS)}`;
}

/** Builds a valid CUIT from a 2-digit prefix and an 8-digit number, or null when no check digit exists. */
export function buildCuit(prefix: string, number: string): string | null {
  const firstTen = `${prefix}${number}`;
  if (!/^\d{10}$/.test(firstTen)) throw new Error('buildCuit: wrong lengths');
  const check = cuitCheckDigit(firstTen);
  return check === null ? null : `${firstTen}${check}`;
}

/** 6 to 20 letters, digits, '.' and '-'. */
export function isValidAlias(input: string): boolean {
  return ALIAS_PATTERN.test(input);
}

/** Aliases compare case-insensitively. */
export function normalizeAlias(input: string): string {
  return input.toLowerCase();
}

/** Account numbers never reach a log whole: keep the last four digits. */
export function maskAccountNumber(value: string): string {
  if (value.length <= 4) return '****';
  return `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
}
