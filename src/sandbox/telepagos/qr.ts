/**
 * EMVCo merchant-presented QR strings (the format of Argentina's interoperable "Transferencias 3.0" QR):
 * a list of `tag(2) length(2) value` fields ending with tag 63, a CRC16-CCITT of everything before it.
 */
import { EMVCO_CRC_TAG, EMVCO_QR_PREFIX, type StaticQrType } from '../../providers/telepagos/assumptions.js';
import { centsToDecimalString } from '../random.js';

/** Point of initiation: 11 = static (reusable), 12 = dynamic (one payment). */
const STATIC_QR = '11';
const DYNAMIC_QR = '12';
const MERCHANT_GUI = 'ar.com.telepagos';
const ARS_NUMERIC = '032';

function field(tag: string, value: string): string {
  if (value.length > 99) throw new Error(`EMVCo field ${tag} too long`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo specifies, in 4 upper-case hex digits. */
export function crc16Ccitt(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

interface QrContent {
  initiation: string;
  /** The account the money goes to. */
  cvu: string;
  /** What identifies the payment: the order, or the sale point and its amount mode. */
  reference: string;
  merchantName: string;
  amountCents?: number;
}

function emvco(content: QrContent): string {
  const merchant = field('00', MERCHANT_GUI) + field('01', content.cvu) + field('02', content.reference);
  const body =
    EMVCO_QR_PREFIX +
    field('01', content.initiation) +
    field('26', merchant) +
    field('52', '0000') +
    field('53', ARS_NUMERIC) +
    (content.amountCents === undefined ? '' : field('54', centsToDecimalString(content.amountCents))) +
    field('58', 'AR') +
    field('59', content.merchantName.slice(0, 25)) +
    field('60', 'CABA') +
    field('62', field('05', content.reference)) +
    EMVCO_CRC_TAG;
  return body + crc16Ccitt(body);
}

/** A one-payment QR for a generated order, amount included. */
export function dynamicOrderQr(cvu: string, merchantName: string, orderId: number, amountCents: number): string {
  return emvco({ initiation: DYNAMIC_QR, cvu, merchantName, reference: `ORD${orderId}`, amountCents });
}

/** A sale point's printed QR: closed ones are paired with orders, open ones let the payer type the amount. */
export function staticSalePointQr(cvu: string, merchantName: string, salePointId: number, type: StaticQrType): string {
  const mode = type === 'closed' ? 'C' : 'O';
  return emvco({ initiation: STATIC_QR, cvu, merchantName, reference: `SP${salePointId}${mode}` });
}
