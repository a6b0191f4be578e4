/**
 * Fixed fixture values every seed contains, for tests and docs/sandbox-telepagos.md. Check digits are
 * valid (see src/domain/identifiers.ts); change them only together with the docs.
 */
import { SALE_POINT_STATUS } from '../../providers/telepagos/assumptions.js';
import type { KnownAccount, SalePoint } from './state.js';

/** The sandbox user's own account: the holder of the balance. */
export const TELEPAGOS_ACCOUNT: KnownAccount = {
  holder: 'Pasarela Cobros SA',
  cuit: '30712345671',
  cbu: '0000071000000000123459',
  alias: 'pasarela.cobros',
};

/** Accounts in the alias directory, beside the seeded random counterparties. */
export const FIXTURE_ACCOUNTS = {
  demo: { holder: 'Pasarela Demo', cuit: '20123456786', cbu: '0000071000000000999993', alias: 'pasarela.demo' },
  supplier: { holder: 'Proveedor Sur SA', cuit: '30500010912', cbu: '2850590940090418135201', alias: 'proveedor.sur' },
  person: { holder: 'Maria Gomez', cuit: '27323575954', cbu: '0000630500000060195375', alias: 'maria.gomez.mp' },
} as const satisfies Record<string, KnownAccount>;

/** A valid CVU that no directory entry holds: an external account, accepted with any valid CUIT. */
export const EXTERNAL_CVU = '0000071000000000543213';

/** Seeded sale points; "Caja Online" never has transactions, "Feria Costanera" is inactive. */
export const FIXTURE_SALE_POINTS: readonly SalePoint[] = [
  { id: 1, name: 'Sucursal Centro', status: SALE_POINT_STATUS.active },
  { id: 2, name: 'Sucursal Palermo', status: SALE_POINT_STATUS.active },
  { id: 3, name: 'Feria Costanera', status: SALE_POINT_STATUS.inactive },
  { id: 4, name: 'Caja Online', status: SALE_POINT_STATUS.active },
];

/** Sale points whose QR payments appear in the seeded history. */
export const SALE_POINTS_WITH_HISTORY = [1, 2, 3] as const;
