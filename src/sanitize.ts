/**
 * Masking secrets in foreign text: the one set of rules for provider messages (`safeProviderMessage`),
 * error messages and stacks in logs (the logger's error serializer), span status messages, and
 * whatever else carries text we did not write.
 *
 * - Known secret values → `[redacted]` wherever they appear, whatever surrounds them: every `Secret`'s
 *   value (the configured provider passwords, client secrets, secret keys and webhook secrets), the
 *   client apps' API keys and key hashes, and the credentials providers issued lately (`knowSecret`).
 * - JWTs, and the value after a credential word in English or Spanish with `:`, `=` or a space
 *   (`Bearer x`, `token: x`, `password x`, `client_secret x`, `clave x`, `contraseña=x`, `secreto x`),
 *   a key-like name with `:` or `=` (`api_key=x`, `"clientSecret":"x"`, `sid=x`, `X-Api-Key: x`) or a
 *   cookie header (`Set-Cookie: a=b; Path=/`) → `[redacted]`.
 * - Any long token-like run (20+ characters of base64/base64url/hex, or 12+ after a `xx_` prefix such as
 *   `tp_`, `sk_live_`, `ghp_`) that is not made of words and numbers → `[redacted]`. This is a heuristic:
 *   a random run of 22 characters slips through about once in 10,000 when it happens to read like
 *   words (no digits, camel-like case); from 32 characters on, about once in a million.
 * - Account numbers: 9+ digits in a row, or 11+ digits in groups separated by spaces, dots, dashes or
 *   slashes (CBU/CVU, CUIT `20-12345678-6` or `20/12345678/6`, cards) → masked to their last four
 *   digits (`maskAccountNumber`).
 *
 * Kept readable: words (also camelCase and SNAKE_CASE identifiers), amounts (`12345.67`), dates and
 * times, IPv4 addresses, endpoint labels (`GET v2/payment/cashout/{id}`), codes such as
 * `PROVIDER_UNAVAILABLE`, and UUIDs — our request ids are UUIDs (or a short id the client chose,
 * which never reaches this module: request ids are logged in their own `requestId` field, which is ours
 * and never sanitised). Only text that can carry foreign words passes through here; the hot path's own
 * log fields do not.
 */
import { maskAccountNumber } from './domain/identifiers.js';

const REDACTED = '[redacted]';

/**
 * Known values shorter than this are not matched literally: a value of 5 characters or fewer is too
 * likely to be part of an ordinary word, number, amount or date (`2026`, `12:00`, `pago`) in a message.
 * The word rules still catch such a value after a credential word.
 */
export const MIN_KNOWN_SECRET_LENGTH = 6;
/** How many issued credentials (provider tokens) are remembered; configured secrets are all kept. */
const MAX_ISSUED = 32;

const configured = new Set<string>();
const issued: string[] = [];
/** One alternation of every known value (longest first), built when first needed after a change. */
let knownPattern: RegExp | null | undefined;

/**
 * Makes `value` a known secret: redacted by `sanitizeText` wherever it appears, also URL- or
 * JSON-escaped. `issued` values (provider credentials renewed at run time) are kept as the last
 * MAX_ISSUED; configured ones for the life of the process (a reload adds, never removes).
 */
export function knowSecret(value: string, kind: 'configured' | 'issued' = 'configured'): void {
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)].filter((form) => form.length >= MIN_KNOWN_SECRET_LENGTH);
  for (const form of forms) {
    if (configured.has(form) || issued.includes(form)) continue;
    if (kind === 'configured') configured.add(form);
    else if (issued.push(form) > MAX_ISSUED) issued.shift();
    knownPattern = undefined;
  }
}

function redactKnown(text: string): string {
  if (knownPattern === undefined) {
    const values = [...configured, ...issued].sort((a, b) => b.length - a.length);
    knownPattern = values.length ? new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : null;
  }
  return knownPattern ? text.replace(knownPattern, REDACTED) : text;
}

/** Credential words, English and Spanish: their value may follow after a space as well as `:` or `=`. */
const CREDENTIAL_WORD = String.raw`pass(?:word|wd)|pwd|secret|secreto|token|clave|contrase(?:ñ|n)a|api[_-]?key|secret[_-]?key|private[_-]?key`;
/** Names whose value (after `:` or `=`) is a credential: `api_key`, `accessToken`, `client-secret`, `sid`, `x-signature`, `clave`… */
const KEY_NAME = String.raw`[\w.-]*?(?:${CREDENTIAL_WORD}|pass|key|sid|session(?:[_-]?id)?|cookie|auth(?:orization)?|signature|credentials?)`;
/** A value: quoted, or up to a space or a delimiter; an auth scheme word before it goes with it. */
const VALUE = String.raw`(?:(?:bearer|basic|digest|token)\s+)?(?:"[^"]*"|'[^']*'|[^\s;,&"'<>{}()\[\]]+)`;

const RULES = new RegExp(
  [
    // 1. a JWT
    String.raw`(?<jwt>eyJ[\w-]+\.[\w-]+\.[\w-]*)`,
    // 2. a cookie header: every `name=value` and attribute after it
    String.raw`(?<cookie>\b(?:set-)?cookie)\s*[:=]\s*[^\s;,=]+(?:=[^\s;,]*)?(?:\s*;\s*[^\s;,=]+(?:=[^\s;,]*)?)*`,
    // 3. a key-like name with `:` or `=` (optionally quoted), or a credential word followed by its value
    //    with `:`, `=` or a space
    String.raw`(?<key>\b${KEY_NAME})["']?\s*[:=]\s*${VALUE}`,
    // (a credential word may end a compound name, `client_secret`, `access-token`, `clientSecret`; a bare
    // `pass`, `key` or `session` is an ordinary word before a space, so only `:` or `=` makes them keys)
    String.raw`(?<word>\b(?:bearer|basic|(?:[\w.-]*?[_.-]|client|access|refresh|api|secret)?(?:${CREDENTIAL_WORD})))\b\s*${VALUE}`,
    // 4. a UUID: kept as it is
    String.raw`(?<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)`,
    // 5. digits, possibly grouped (by spaces, `.`, `-` or `/`), not followed by a letter (then it is part of a token)
    String.raw`(?<digits>(?<![A-Za-z0-9])\d+(?:(?:[ \t]*[./-][ \t]*|[ \t]+)\d+)*)(?![A-Za-z0-9_+/=]|-[A-Za-z0-9_+/=-])`,
    // 6. a token-like run of base64/base64url/hex characters
    String.raw`(?<run>(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_+/=-]{12,})`,
  ].join('|'),
  'gi',
);

/** `s` with every secret-shaped part masked (see the module comment for the rules). */
export function sanitizeText(text: string): string {
  return redactKnown(text).replace(RULES, (match: string, ...args: unknown[]) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    if (groups.jwt) return REDACTED;
    if (groups.cookie) return `${groups.cookie} ${REDACTED}`;
    if (groups.key) return `${groups.key} ${REDACTED}`;
    if (groups.word) return `${groups.word} ${REDACTED}`;
    if (groups.uuid) return match;
    if (groups.digits) return maskDigits(match);
    return isTokenLike(match) ? REDACTED : match.replace(UUID_OR_DIGITS, (part) => (UUID.test(part) ? part : maskDigits(part)));
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_OR_DIGITS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+(?:-\d+)*/gi;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** 9+ digits in a row, or 11+ in groups (CUIT and longer), become `****1234`; other numbers stay. */
function maskDigits(group: string): string {
  if (IPV4.test(group)) return group;
  const digits = group.replace(/\D/g, '');
  const longestRun = Math.max(...group.split(/\D+/).map((part) => part.length));
  return longestRun >= 9 || digits.length >= 11 ? maskAccountNumber(digits) : group;
}

const PREFIXED = /^[A-Za-z]{2,8}_(?:(?:live|test|prod)_)?(?<body>[A-Za-z0-9_+/=-]{12,})$/;
/** A part between separators read as one word: `x`, `v2`, `utf8`, `sha256`. */
const SHORT_PART = /^(?:[A-Za-z]{1,6}\d{1,4}|[A-Za-z])$/;
/** A word (lower, UPPER, Capitalised) or a number. */
const WORD_OR_NUMBER = /^(?:[A-Z]?[a-z]+|[A-Z]+|\d+)$/;
const VOWEL = /[aeiouy]/i;

/**
 * A random-looking run: 20+ characters (12+ after a `tp_`-like prefix), not all digits (digits are
 * numbers, masked as such), and not made of words and numbers.
 */
function isTokenLike(run: string): boolean {
  const prefixed = PREFIXED.exec(run)?.groups?.body;
  const body = prefixed ?? run;
  if (body.length < (prefixed ? 12 : 20)) return false;
  if (/^[\d.-]*$/.test(body)) return false;
  // Low entropy (`xxxxxxxx…`, `0000-0000…`): not a secret.
  if (new Set(body).size < 6) return false;
  // Upper case, lower case and digits mixed: base64 (identifiers like `ISO8601DateTime` go with it).
  if (/[A-Z]/.test(body) && /[a-z]/.test(body) && /\d/.test(body)) return true;
  if (isCaseNoise(body)) return true;
  return !isWordy(body);
}

/**
 * Words and numbers, as identifiers and paths are made (`getPaymentByExternalId`, `v2/payment/cashout`,
 * `sha256WithRSAEncryption`, `VAR-00000000-0000`): split at separators, case changes and letter/digit
 * changes, the pieces are few (3+ characters on average), letters and digits alternate rarely, and
 * every piece is a word with a vowel, a short acronym or a number. Random text fails one of these.
 */
function isWordy(run: string): boolean {
  const parts = run.split(/[_+/=.-]+/).filter(Boolean);
  const pieces = parts.flatMap((part) => (SHORT_PART.test(part) ? [part] : (part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[A-Za-z]/g) ?? [])));
  const letters = pieces.join('').length;
  if (letters / pieces.length < 3) return false;
  const alternations = pieces.filter((piece, i) => i > 0 && /\d/.test(piece[0]!) !== /\d/.test(pieces[i - 1]![0]!)).length;
  if (alternations > 2) return false;
  return pieces.every((piece) => isWordPiece(piece, parts.includes(piece)));
}

function isWordPiece(piece: string, wholePart: boolean): boolean {
  if (wholePart && (SHORT_PART.test(piece) || /^[a-z]{2,4}$/.test(piece))) return true;
  if (!WORD_OR_NUMBER.test(piece)) return false;
  if (/^\d/.test(piece)) return true;
  if (piece.length < 2) return false;
  if (/^[A-Z]+$/.test(piece)) return piece.length <= 5 || VOWEL.test(piece);
  return VOWEL.test(piece) && !(piece.length > 12 && vowelShare(piece) < 0.3);
}

/** Letters whose case flips as often as a coin's (identifiers flip at word starts only). */
function isCaseNoise(run: string): boolean {
  const letters = run.replace(/[^A-Za-z]/g, '');
  const upper = letters.replace(/[^A-Z]/g, '').length;
  let flips = 0;
  for (let i = 1; i < letters.length; i++) if (letters[i]! < 'a' !== letters[i - 1]! < 'a') flips++;
  return upper >= 0.35 * letters.length && upper <= 0.65 * letters.length && flips >= 0.35 * (letters.length - 1);
}

function vowelShare(word: string): number {
  return (word.match(/[aeiouy]/gi)?.length ?? 0) / word.length;
}
