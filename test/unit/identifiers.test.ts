import { describe, expect, it } from 'vitest';
import { buildCbu, buildCuit, isCvu, isValidAlias, isValidCbu, isValidCuit, maskAccountNumber, normalizeCuit } from '../../src/domain/identifiers.js';

describe('CUIT/CUIL', () => {
  it('accepts the documented valid examples, with or without dashes', () => {
    for (const cuit of ['20123456786', '30500010912', '27323575954']) expect(isValidCuit(cuit)).toBe(true);
    expect(normalizeCuit('20-12345678-6')).toBe('20123456786');
  });

  it('refuses a wrong check digit, wrong lengths, letters and misplaced dashes', () => {
    for (const bad of ['20123456787', '2012345678', '201234567860', '2O123456786', '201-2345678-6', '', '20-12345678-']) {
      expect(normalizeCuit(bad), bad).toBeNull();
    }
  });

  it('has no check digit when the sum leaves 10 (the authority issues another prefix)', () => {
    // 20-00000001-?: 5*2+4*0+...+2*1 = 12, 12 mod 11 = 1, 11-1 = 10 → not issuable
    expect(buildCuit('20', '00000001')).toBeNull();
    expect(buildCuit('20', '12345678')).toBe('20123456786');
  });
});

describe('CBU/CVU', () => {
  it('accepts the documented examples and tells a CVU from a CBU', () => {
    expect(isValidCbu('2850590940090418135201')).toBe(true);
    expect(isValidCbu('0000630500000060195375')).toBe(true);
    expect(isCvu('0000630500000060195375')).toBe(true);
    expect(isCvu('2850590940090418135201')).toBe(false);
  });

  it('refuses a wrong check digit in either block and wrong lengths', () => {
    expect(isValidCbu('2850590840090418135201')).toBe(false); // block 1 check
    expect(isValidCbu('2850590940090418135202')).toBe(false); // block 2 check
    expect(isValidCbu('285059094009041813520')).toBe(false);
    expect(isValidCbu('28505909400904181352011')).toBe(false);
    expect(isValidCbu('285059094009041813520a')).toBe(false);
  });

  it('builds numbers that validate', () => {
    expect(buildCbu('285', '0590', '4009041813520')).toBe('2850590940090418135201');
    expect(isValidCbu(buildCbu('000', '1234', '0000000000001'))).toBe(true);
  });
});

describe('alias', () => {
  it('allows 6 to 20 letters, digits, dots and dashes', () => {
    for (const ok of ['pasarela.demo', 'MI-ALIAS.01', 'abcdef', 'a'.repeat(20)]) expect(isValidAlias(ok), ok).toBe(true);
  });

  it('refuses spaces, accents, underscores and bad lengths', () => {
    for (const bad of ['abcde', 'a'.repeat(21), 'mi alias', 'pañuelo.rojo', 'mi_alias', '']) expect(isValidAlias(bad), bad).toBe(false);
  });
});

describe('masking', () => {
  it('keeps only the last four characters of an account number', () => {
    expect(maskAccountNumber('2850590940090418135201')).toBe('******************5201');
    expect(maskAccountNumber('123')).toBe('****');
  });
});
