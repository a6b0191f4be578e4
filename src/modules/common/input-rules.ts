/**
 * Input rules of the write API, checked before any provider call. Each rule appends a UserError with
 * the path of the field at fault; a mutation proceeds only when none was found.
 */
import { compareDecimals, decimalPlaces, sumDecimals } from '../../domain/money.js';
import { userError, type UserError } from '../../graphql/user-errors.js';
import { REFERENCE_ID_DESCRIPTION, REFERENCE_ID_PATTERN, TELEPAGOS_TEXT_LIMITS } from '../../providers/telepagos/assumptions.js';

/**
 * Longest free texts we pass to providers: concept, description and referenceId as TelePagos takes them
 * (TELEPAGOS_TEXT_LIMITS, a guess in its assumptions.ts); the rest are ours.
 */
export const TEXT_LIMITS = { ...TELEPAGOS_TEXT_LIMITS, name: 60, externalId: 100, motive: 200 } as const;

/** The characters of a referenceId and an idempotencyKey: TelePagos' reference_id characters (REFERENCE_ID_PATTERN). */
export const KEY_PATTERN = REFERENCE_ID_PATTERN;
export const KEY_PATTERN_DESCRIPTION = REFERENCE_ID_DESCRIPTION;

export class InputCheck {
  readonly errors: UserError[] = [];

  private fail(field: string[], message: string): void {
    this.errors.push(userError(field, message));
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Trimmed, non-empty, at most `max` characters, no control characters. Returns the trimmed text. */
  text(field: string[], value: string | null | undefined, max: number): string {
    const trimmed = (value ?? '').trim();
    if (!trimmed) this.fail(field, 'must not be empty');
    else if (trimmed.length > max) this.fail(field, `must be at most ${max} characters`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(trimmed)) this.fail(field, 'must not contain control characters');
    return trimmed;
  }

  /** Positive, at most two decimals, at most `max`. */
  amount(field: string[], value: string, max: string): void {
    if (compareDecimals(value, '0') <= 0) this.fail(field, 'must be greater than zero');
    else if (decimalPlaces(value.replace(/0+$/, '')) > 2) this.fail(field, 'must have at most two decimals');
    else if (compareDecimals(value, max) > 0) this.fail(field, `must be at most ${max}`);
  }

  /** Exactly one of several alternatives is given. */
  exactlyOne(fields: Record<string, unknown>, parent: string[]): void {
    const given = Object.entries(fields).filter(([, v]) => v !== undefined && v !== null);
    if (given.length !== 1) {
      const names = Object.keys(fields);
      this.fail(given.length === 0 ? parent : [...parent, given[1]![0]], `give exactly one of ${names.join(' and ')}`);
    }
  }

  /** Parts add up exactly to the total. */
  sumsTo(field: string[], parts: string[], total: string): void {
    if (compareDecimals(sumDecimals(parts), total) !== 0) this.fail(field, `the parts must add up to ${total}`);
  }

  /** An ISO date-time in the future. Returns the Date. */
  future(field: string[], value: string | Date): Date {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) this.fail(field, 'must be a date-time');
    else if (date.getTime() <= Date.now()) this.fail(field, 'must be in the future');
    return date;
  }

  /** An absolute http(s) URL. */
  url(field: string[], value: string): string {
    const trimmed = value.trim();
    try {
      const url = new URL(trimmed);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') this.fail(field, 'must be an http(s) URL');
    } catch {
      this.fail(field, 'must be an absolute URL');
    }
    return trimmed;
  }

  /**
   * A web address as Talo's document writes one: an absolute http(s) URL, or one without its scheme
   * (`fabricadefotolibros.com/checkout/1234`, the document's own example) whose host is a domain name
   * (`localhost` or dotted). Any other scheme (`javascript:`, `ftp://`) is refused. Returns it trimmed,
   * as given: nothing is added to it.
   */
  webAddress(field: string[], value: string): string {
    const trimmed = value.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return this.url(field, trimmed);
    // `scheme:` without `//` is a scheme unless what follows is a port (`shop.example:8080/x`).
    if (/^[a-z][a-z0-9+.-]*:(?!\d+(?:[/?#]|$))/i.test(trimmed)) {
      this.fail(field, 'must be an http(s) URL');
      return trimmed;
    }
    let host = '';
    try {
      host = new URL(`http://${trimmed}`).hostname;
    } catch {
      // refused below
    }
    if (!/^[^\s]+$/.test(trimmed) || !(host === 'localhost' || /^[^.]+(\.[^.]+)+$/.test(host)))
      this.fail(field, 'must be a URL (http(s), or a host name and path)');
    return trimmed;
  }

  /** Matches a pattern, described for the message. */
  pattern(field: string[], value: string, pattern: RegExp, description: string): void {
    if (!pattern.test(value)) this.fail(field, `must be ${description}`);
  }

  /** A referenceId or idempotencyKey: at most TEXT_LIMITS.referenceId characters of KEY_PATTERN. Returns it trimmed. */
  key(field: string[], value: string): string {
    const key = this.text(field, value, TEXT_LIMITS.referenceId);
    if (key) this.pattern(field, key, KEY_PATTERN, KEY_PATTERN_DESCRIPTION);
    return key;
  }

  custom(field: string[] | null, message: string): void {
    this.errors.push(userError(field, message));
  }
}
