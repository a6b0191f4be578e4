/** The hint reader: ids found by name and context in any shape, within its stated bounds. */
import { describe, expect, it } from 'vitest';
import { TALO_HINT_PATTERNS } from '../../src/providers/talo/assumptions.js';
import { TELEPAGOS_HINT_PATTERNS } from '../../src/providers/telepagos/assumptions.js';
import { TUPAY_HINT_PATTERNS, TUPAY_HINT_TIMESTAMP_ACCEPT, TUPAY_HINT_TIMESTAMP_FIELDS } from '../../src/providers/tupay/assumptions.js';
import { HINT_MAX_DEPTH, HINT_MAX_IDS, HINT_MAX_NODES, findHints, findTimestamp, shapeOf } from '../../src/webhooks/hints.js';

const telepagos = (json: unknown) => findHints(json, TELEPAGOS_HINT_PATTERNS);
const tupay = (json: unknown) => findHints(json, TUPAY_HINT_PATTERNS);

describe('findHints', () => {
  it.each([
    ['the assumed signed format', { event: 'cashin.credited', id: 12, transaction_id: 99, qr_order_id: 7 }, [{ kind: 'cashin', id: '12' }]],
    ['an id nested under a cash-in word', { data: { object: { transaction: { id: '34' } } }, kind: 'whatever' }, [{ kind: 'cashin', id: '34' }]],
    ['a named id field, as a number', { cashInId: 56 }, [{ kind: 'cashin', id: '56' }]],
    ['a cash-out by discriminator', { type: 'cashout.updated', payload: { id: 78 } }, [{ kind: 'cashout', id: '78' }]],
    ['a resource path', { href: 'https://api.example/v2/payment/cashout/90?x=1' }, [{ kind: 'cashout', id: '90' }]],
  ])('TelePagos: %s', (_, json, expected) => {
    expect(telepagos(json)).toEqual(expected);
  });

  it('named id fields rank before context ids, duplicates count once, at most HINT_MAX_IDS', () => {
    const json = { transaction: { id: 1 }, cashin_id: 2, again: { cashin: 2 }, more: [{ credit_id: 3 }, { acreditacion: 4 }, { cashout_id: 5 }] };
    const found = telepagos(json);
    expect(found).toHaveLength(HINT_MAX_IDS);
    expect(found[0]).toEqual({ kind: 'cashin', id: '2' });
    expect(found.map((h) => h.id)).not.toContain('1');
  });

  it('no id: bare ids, non-numeric ids, ledger numbers and empty bodies yield nothing', () => {
    for (const json of [{ id: 5 }, { transaction_id: 9 }, { cashin_id: 'abc' }, { cashin_id: -1 }, { cashin_id: 1.5 }, [], null, 'x', 3]) {
      expect(telepagos(json), JSON.stringify(json)).toEqual([]);
    }
  });

  it('Tupay: the documented { deposit_id }, idDeposit, and a payin id', () => {
    expect(tupay({ deposit_id: 123 })).toEqual([{ kind: 'deposit', id: '123' }]);
    expect(tupay({ record: { idDeposit: '456' } })).toEqual([{ kind: 'deposit', id: '456' }]);
    expect(tupay({ data: { payin: { id: '789' } } })).toEqual([{ kind: 'deposit', id: '789' }]);
  });

  it('Talo: the public body, another shape, and no uuid-looking id as a number', () => {
    const id = 'VAR-0f6a5a4e-0b7d-4c55-9a39-2b0a3f1c6d11';
    expect(findHints({ message: 'Pago Actualizado', paymentId: id, externalId: 'order-1' }, TALO_HINT_PATTERNS)).toEqual([{ kind: 'payment', id }]);
    expect(findHints({ type: 'payment.updated', data: { id } }, TALO_HINT_PATTERNS)).toEqual([{ kind: 'payment', id }]);
    expect(findHints({ message: 'Pago Actualizado', externalId: 'order-1' }, TALO_HINT_PATTERNS)).toEqual([]);
  });

  it(`stops ${HINT_MAX_DEPTH} levels deep and after ${HINT_MAX_NODES} values`, () => {
    let deep: unknown = { cashin_id: 1 };
    for (let i = 0; i < HINT_MAX_DEPTH; i++) deep = { wrap: deep };
    expect(telepagos(deep)).toEqual([]);
    const wide = { items: [...Array.from({ length: HINT_MAX_NODES }, () => ({ noise: true })), { cashin_id: 2 }] };
    expect(telepagos(wide)).toEqual([]);
  });
});

describe('findTimestamp', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const find = (json: unknown) => findTimestamp(json, { fields: TUPAY_HINT_TIMESTAMP_FIELDS }, TUPAY_HINT_TIMESTAMP_ACCEPT, now)?.toISOString();

  it('prefers the creation date, reads ISO text and Unix seconds or milliseconds', () => {
    expect(find({ sentAt: now / 1000, data: { creationDate: '2026-02-27T10:00:00Z' } })).toBe('2026-02-27T10:00:00.000Z');
    expect(find({ timestamp: now / 1000 - 60 })).toBe('2026-03-01T11:59:00.000Z');
    expect(find({ created_at: now - 1000 })).toBe('2026-03-01T11:59:59.000Z');
  });

  it('ignores unreadable dates and dates too far from now', () => {
    expect(find({ creationDate: 'yesterday' })).toBeUndefined();
    expect(find({ creationDate: '2020-01-01T00:00:00Z' })).toBeUndefined();
    expect(find({ deposit_id: 5 })).toBeUndefined();
  });
});

describe('shapeOf', () => {
  it('lists key paths with types, never values', () => {
    const shape = shapeOf({ account: { cvu: '0000003100010000000001' }, list: [{ n: 1 }] });
    expect(shape).toEqual(['account.cvu:string', 'list.[].n:number']);
    expect(JSON.stringify(shape)).not.toContain('0000003100010000000001');
  });
});
