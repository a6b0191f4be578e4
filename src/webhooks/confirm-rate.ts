/** The default rate of webhook confirmations (read by src/config.ts and the pipeline, without either importing the other). */
import type { RateLimit } from '../state/rate-limiter.js';

/**
 * Confirmations per provider (shared by all replicas in Redis mode): 2 per second, bursts of 20. Far
 * under a provider's quota (TelePagos is assumed to allow 60 requests a minute), well over a genuine
 * notification rate. WEBHOOK_CONFIRM_PER_MINUTE and WEBHOOK_CONFIRM_BURST override it (src/config.ts).
 */
export const DEFAULT_CONFIRM_RATE_LIMIT: RateLimit = { perSecond: 2, burst: 20 };
