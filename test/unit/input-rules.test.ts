/** InputCheck: each rule of the write API adds one INVALID_INPUT UserError at the field at fault. */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { InputCheck, TEXT_LIMITS } from '../../src/modules/common/input-rules.js';

const F = ['input', 'x'];

function errorsOf(run: (check: InputCheck) => void) {
  const check = new InputCheck();
  run(check);
  return check.errors;
}

describe('InputCheck', () => {
  it('starts ok; every failure is INVALID_INPUT at its field', () => {
    const check = new InputCheck();
    expect(check.ok).toBe(true);
    check.text(F, '', 5);
    expect(check.ok).toBe(false);
    expect(check.errors).toEqual([{ field: F, message: 'must not be empty', code: 'INVALID_INPUT' }]);
  });

  it('the text limits are the documented ones', () => {
    expect(TEXT_LIMITS).toEqual({ concept: 20, description: 140, name: 60, externalId: 100, motive: 200, referenceId: 64 });
  });

  describe('text', () => {
    it('returns the trimmed text and accepts exactly max characters', () => {
      const check = new InputCheck();
      expect(check.text(F, '  abc  ', 3)).toBe('abc');
      expect(check.text(F, 'ñandú', 5)).toBe('ñandú');
      expect(check.ok).toBe(true);
    });

    it.each([
      ['empty', ''],
      ['blank', ' \t '],
      ['null', null],
      ['undefined', undefined],
    ])('refuses %s', (_name, value) => {
      expect(errorsOf((c) => c.text(F, value, 10))).toEqual([expect.objectContaining({ field: F, message: 'must not be empty' })]);
    });

    it('refuses more than max characters (after trimming)', () => {
      expect(errorsOf((c) => c.text(F, 'abcd', 3))[0]!.message).toBe('must be at most 3 characters');
      expect(errorsOf((c) => c.text(F, '  abc  ', 3))).toEqual([]);
    });

    it.each(['a\nb', 'a\u0000b', 'a\u001fb', 'a\u007fb', 'a\rb'])('refuses control characters (%j)', (value) => {
      expect(errorsOf((c) => c.text(F, value, 10))[0]!.message).toBe('must not contain control characters');
    });
  });

  describe('amount', () => {
    it.each(['0.01', '1', '10.5', '10.50', '10.500', '50000000', '49999999.99'])('accepts %s (max 50000000)', (value) => {
      expect(errorsOf((c) => c.amount(F, value, '50000000'))).toEqual([]);
    });

    it.each([
      ['0', 'must be greater than zero'],
      ['0.00', 'must be greater than zero'],
      ['-0.01', 'must be greater than zero'],
      ['-5', 'must be greater than zero'],
      ['0.001', 'must have at most two decimals'],
      ['10.505', 'must have at most two decimals'],
      ['50000000.01', 'must be at most 50000000'],
      ['99999999999', 'must be at most 50000000'],
    ])('refuses %s: %s', (value, message) => {
      expect(errorsOf((c) => c.amount(F, value, '50000000'))).toEqual([expect.objectContaining({ field: F, message })]);
    });
  });

  describe('exactlyOne', () => {
    it('accepts exactly one given value', () => {
      expect(errorsOf((c) => c.exactlyOne({ cbu: 'x', alias: null }, ['input']))).toEqual([]);
      expect(errorsOf((c) => c.exactlyOne({ cbu: undefined, alias: 'y' }, ['input']))).toEqual([]);
    });

    it('none given: the error is at the parent', () => {
      expect(errorsOf((c) => c.exactlyOne({ cbu: null, alias: undefined }, ['input']))).toEqual([
        expect.objectContaining({ field: ['input'], message: 'give exactly one of cbu and alias' }),
      ]);
    });

    it('both given: the error is at the second one', () => {
      expect(errorsOf((c) => c.exactlyOne({ cbu: 'x', alias: 'y' }, ['input']))).toEqual([expect.objectContaining({ field: ['input', 'alias'] })]);
    });

    it('an empty string counts as given (the scalar refuses it anyway)', () => {
      expect(errorsOf((c) => c.exactlyOne({ cbu: '', alias: 'y' }, ['input']))).toHaveLength(1);
    });
  });

  describe('sumsTo', () => {
    it('accepts parts that add up exactly, whatever their notation', () => {
      expect(errorsOf((c) => c.sumsTo(F, ['600', '400.00'], '1000.00'))).toEqual([]);
      expect(errorsOf((c) => c.sumsTo(F, ['0.1', '0.2'], '0.3'))).toEqual([]);
    });

    it.each([
      [['600', '399.99'], '1000'],
      [['600', '400.01'], '1000'],
      [[], '1'],
    ])('refuses %j for %s', (parts, total) => {
      expect(errorsOf((c) => c.sumsTo(F, parts, total))).toEqual([expect.objectContaining({ field: F, message: `the parts must add up to ${total}` })]);
    });
  });

  describe('future', () => {
    it('accepts a later date-time (Date or ISO text) and returns it', () => {
      const later = new Date(Date.now() + 60_000);
      const check = new InputCheck();
      expect(check.future(F, later).getTime()).toBe(later.getTime());
      expect(check.future(F, later.toISOString()).getTime()).toBe(later.getTime());
      expect(check.ok).toBe(true);
    });

    it('refuses the past and now', () => {
      expect(errorsOf((c) => c.future(F, new Date(Date.now() - 1)))[0]!.message).toBe('must be in the future');
      expect(errorsOf((c) => c.future(F, '2000-01-01T00:00:00Z'))[0]!.message).toBe('must be in the future');
    });

    it('refuses what is not a date', () => {
      expect(errorsOf((c) => c.future(F, 'tomorrow'))[0]!.message).toBe('must be a date-time');
      expect(errorsOf((c) => c.future(F, new Date(Number.NaN)))[0]!.message).toBe('must be a date-time');
    });
  });

  describe('url', () => {
    it('accepts absolute http and https URLs, trimmed', () => {
      const check = new InputCheck();
      expect(check.url(F, ' https://shop.example/ok?x=1 ')).toBe('https://shop.example/ok?x=1');
      expect(check.url(F, 'http://localhost:3000/')).toBe('http://localhost:3000/');
      expect(check.ok).toBe(true);
    });

    it.each([
      ['relative', 'thanks', 'must be an absolute URL'],
      ['empty', '', 'must be an absolute URL'],
      ['javascript:', 'javascript:alert(1)', 'must be an http(s) URL'],
      ['ftp:', 'ftp://x.example/', 'must be an http(s) URL'],
      ['data:', 'data:text/html,hi', 'must be an http(s) URL'],
    ])('refuses %s', (_name, value, message) => {
      expect(errorsOf((c) => c.url(F, value))).toEqual([expect.objectContaining({ field: F, message })]);
    });
  });

  it('pattern: fails with the description', () => {
    expect(errorsOf((c) => c.pattern(F, 'a b', /^\S+$/, 'one word'))).toEqual([expect.objectContaining({ message: 'must be one word' })]);
    expect(errorsOf((c) => c.pattern(F, 'ab', /^\S+$/, 'one word'))).toEqual([]);
  });

  it('custom: adds the given error, with a null field allowed', () => {
    expect(errorsOf((c) => c.custom(null, 'nope'))).toEqual([{ field: null, message: 'nope', code: 'INVALID_INPUT' }]);
  });

  it('collects every failure, in order', () => {
    const errors = errorsOf((c) => {
      c.text(['input', 'a'], '', 5);
      c.amount(['input', 'b'], '0', '10');
      c.url(['input', 'c'], 'x');
    });
    expect(errors.map((e) => e.field!.join('.'))).toEqual(['input.a', 'input.b', 'input.c']);
  });
});
