/**
 * Wire variants: which of the plausible answers a sandbox serves where the provider's documents leave
 * the form open. `documented` (the default) serves each field in the form our reading of the documents
 * gives (docs/providers.md); `alternate` rewrites every answer of a provider route, in one generic pass,
 * into the other forms a real provider could equally send:
 *
 * - every JSON number becomes a string of its digits (`1500.5` → `"1500.5"`, `42` → `"42"`);
 * - every numeric string that is an exact JS number becomes a number (`"1500.50"` → `1500.5`); one that
 *   is not (a 22-digit CBU, a 20-digit decimal, `"007"`) stays a string;
 * - every date in the provider's documented form becomes ISO 8601, alternately with the provider's own
 *   offset and in UTC (`Z`, with milliseconds); a field naming a day keeps its date (a bare date, or
 *   midnight at `+00:00`);
 * - `null` and `""` are alternately `null` and left out;
 * - every object gets the provider's unknown extra fields;
 * - where the documents show the error body, a refusal (4xx but 429) is sent with HTTP 200 and that body
 *   (with the status stated in the body where the documents have a field for it: Talo's `code`).
 *
 * - where the documents leave a success answer's status word open, success is answered with another
 *   plausible word (`WireFacts.successWord`: TelePagos `"success"` or `"OK"` for `"ok"`).
 *
 * Other status words, booleans and the keys themselves never change: the flows depend on them. Faults a
 * test injects are sent as asked. Switch: `SANDBOX_VARIANT` (read by startSandboxes), the `variant` option,
 * or `PUT /_sandbox/variant { variant }` at run time; `x-sandbox-variant` on a request for its answer only.
 */

export const SANDBOX_VARIANTS = ['documented', 'alternate'] as const;
export type SandboxVariant = (typeof SANDBOX_VARIANTS)[number];
export const DEFAULT_SANDBOX_VARIANT: SandboxVariant = 'documented';
/** A request header choosing the variant of that one answer (a test's raw oracle reads ask `documented`). */
export const VARIANT_HEADER = 'x-sandbox-variant';

export function isSandboxVariant(value: unknown): value is SandboxVariant {
  return typeof value === 'string' && (SANDBOX_VARIANTS as readonly string[]).includes(value);
}

/** `SANDBOX_VARIANT` from the environment; unset or blank is the default, anything else unknown throws. */
export function sandboxVariantFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxVariant {
  const text = env.SANDBOX_VARIANT?.trim();
  if (!text) return DEFAULT_SANDBOX_VARIANT;
  if (!isSandboxVariant(text)) throw new Error(`SANDBOX_VARIANT must be one of ${SANDBOX_VARIANTS.join(', ')}; got ${JSON.stringify(text)}`);
  return text;
}

/** What the alternate variant needs to know of a provider (from its assumptions.ts). */
export interface WireFacts {
  /** Epoch ms of a string in the provider's documented date form; NaN for any other string. */
  documentedDate(text: string): number;
  /** The provider's local UTC offset, in minutes (Argentina −180, Peru −300). */
  offsetMinutes: number;
  /** Keys whose date names a whole day rather than an instant (Tupay's report `date`). */
  dayFields?: ReadonlySet<string>;
  /** Unknown fields added to every object of an answer. */
  extraFields: Readonly<Record<string, unknown>>;
  /** Whether the documents show the error body: then refusals are also served with HTTP 200. */
  errorBodyDocumented: boolean;
  /** A refusal's body when it goes with HTTP 200: how it still states its status, where the documents give a way. */
  refusalBody?(body: unknown, status: number): unknown;
  /**
   * A success answer of `route` (`POST /v2/payment/cashout`) with another plausible status word, where
   * the documents leave it open; any other body is returned as it is.
   */
  successWord?(body: unknown, route: string): unknown;
}

/** The HTTP status the alternate variant sends an answer of `status` with. */
export function alternateStatus(status: number, facts: WireFacts): number {
  return facts.errorBodyDocumented && status >= 400 && status < 500 && status !== 429 ? 200 : status;
}

/** Canonical decimal text (no sign of plus, no leading zeros, no exponent) with ≤ 15 significant digits. */
const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const MAX_EXACT_DIGITS = 15;

/** The number a numeric string stands for, when a JS number holds it exactly; undefined otherwise. */
export function exactNumber(text: string): number | undefined {
  if (!NUMERIC.test(text)) return undefined;
  const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length > MAX_EXACT_DIGITS) return undefined;
  return Number(text);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Epoch ms as ISO 8601 at `offsetMinutes` (`2026-01-10T10:41:57-03:00`). */
export function isoAtOffset(ms: number, offsetMinutes: number): string {
  // Milliseconds are kept when the instant has them (`…T10:41:57.405-03:00`).
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, ms % 1000 === 0 ? 19 : 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** One answer's rewrite: counters alternate the forms so both appear within a page. */
class AlternateWriter {
  private dates = 0;
  private blanks = 0;

  constructor(private readonly facts: WireFacts) {}

  value(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return this.text(value, key);
    if (Array.isArray(value)) return value.map((item) => this.value(item, undefined));
    if (typeof value === 'object' && value !== null) return this.object(value as Record<string, unknown>);
    return value;
  }

  private text(text: string, key: string | undefined): unknown {
    const number = exactNumber(text);
    if (number !== undefined) return number;
    const ms = this.facts.documentedDate(text);
    if (Number.isNaN(ms)) return text;
    const even = this.dates++ % 2 === 0;
    if (key !== undefined && this.facts.dayFields?.has(key)) {
      const day = new Date(ms).toISOString().slice(0, 10);
      return even ? day : `${day}T00:00:00+00:00`;
    }
    return even ? isoAtOffset(ms, this.facts.offsetMinutes) : new Date(ms).toISOString();
  }

  private object(object: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      if (value === null || value === '') {
        if (this.blanks++ % 2 === 0) out[key] = null;
        continue;
      }
      out[key] = this.value(value, key);
    }
    for (const [key, value] of Object.entries(this.facts.extraFields)) if (!(key in out)) out[key] = value;
    return out;
  }
}

/** The alternate form of a JSON answer (a new value; the original is not touched). */
export function alternateAnswer(body: unknown, facts: WireFacts): unknown {
  return new AlternateWriter(facts).value(body, undefined);
}
