/**
 * TelePagos record ids follow one rule (isTelepagosId, TELEPAGOS_ID_MAX_DIGITS in its assumptions.ts):
 * every place that judges one — lookups, sale-point mutations, notifications, the hint reader — agrees,
 * over HTTP against the sandbox.
 */
import { describe, expect, it } from 'vitest';
import { TELEPAGOS_HINT_PATTERNS, TELEPAGOS_ID_MAX_DIGITS, isTelepagosId } from '../../src/providers/telepagos/assumptions.js';
import { useTestGateway } from '../helpers/gateway.js';

const LONGEST = '9'.repeat(TELEPAGOS_ID_MAX_DIGITS);
const TOO_LONG = '9'.repeat(TELEPAGOS_ID_MAX_DIGITS + 1);
const DELETE_SALE_POINT = `mutation($input: DeleteSalePointInput!) { deleteSalePoint(input: $input) { deletedSalePointId userErrors { field message code } } }`;

describe('the TelePagos id rule', () => {
  it('is positive integers of at most 15 digits, every one exact as a JSON number', () => {
    expect(TELEPAGOS_ID_MAX_DIGITS).toBe(15);
    expect(Number.isSafeInteger(Number(LONGEST))).toBe(true);
    for (const id of ['1', '100001', LONGEST]) expect(isTelepagosId(id), id).toBe(true);
    for (const id of ['', '0x10', '12a', '-1', '1.5', ' 1', TOO_LONG]) expect(isTelepagosId(id), id).toBe(false);
  });

  it('is the hint reader’s rule too (a bare id and one inside a resource path)', () => {
    expect(TELEPAGOS_HINT_PATTERNS.idValue.test(LONGEST)).toBe(true);
    expect(TELEPAGOS_HINT_PATTERNS.idValue.test(TOO_LONG)).toBe(false);
    expect(TELEPAGOS_HINT_PATTERNS.valuePaths.cashin.exec(`/v2/payment/cashin/${LONGEST}`)?.[1]).toBe(LONGEST);
    expect(TELEPAGOS_HINT_PATTERNS.valuePaths.cashout.exec(`/v2/payment/cashout/${TOO_LONG}`)).toBeNull();
  });

  describe('over HTTP', () => {
    const gw = useTestGateway();
    const upstream = () =>
      gw()
        .sandboxes.telepagos.log.list()
        .filter((r) => r.route !== 'POST /v2/auth/token');

    it('cashout and cashin: an id past the rule names nothing (null) and nothing is sent', async () => {
      gw().clearLogs();
      const { body } = await gw().query(`query($id: ID!) { cashout(id: $id) { id } cashin(id: $id) { id } }`, { id: TOO_LONG });
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ cashout: null, cashin: null });
      expect(upstream()).toEqual([]);
    });

    it('cashout: the longest id under the rule is asked for (and unknown to the sandbox: null)', async () => {
      gw().clearLogs();
      const { body } = await gw().query(`query($id: ID!) { cashout(id: $id) { id } }`, { id: LONGEST });
      expect(body.errors).toBeUndefined();
      expect(body.data.cashout).toBeNull();
      expect(upstream().map((r) => r.route)).toEqual(['GET /v2/payment/cashout/:id']);
    });

    it('deleteSalePoint: a 13-digit id is a TelePagos id (asked, not found); a 16-digit one is refused before sending', async () => {
      gw().clearLogs();
      const thirteen = (await gw().query(DELETE_SALE_POINT, { input: { id: '1234567890123' } })).body;
      expect(thirteen.data.deleteSalePoint.userErrors).toHaveLength(1);
      expect(thirteen.data.deleteSalePoint.userErrors[0].code).not.toBe('INVALID_INPUT');
      expect(upstream().length).toBeGreaterThan(0);

      gw().clearLogs();
      const sixteen = (await gw().query(DELETE_SALE_POINT, { input: { id: TOO_LONG } })).body;
      expect(sixteen.data.deleteSalePoint.userErrors).toEqual([{ field: ['input', 'id'], message: 'is not a sale point id', code: 'INVALID_INPUT' }]);
      expect(upstream()).toEqual([]);
    });
  });
});
