/**
 * Admission: one token of the client app's rate limit per operation, whatever the door (RATE_LIMITED,
 * 429 with Retry-After, over it). A state store that cannot be reached lets the operation through.
 */
import { enforceRateLimit } from '../../auth/requests.js';
import type { Logger } from '../../logging.js';
import type { SharedState } from '../../state/index.js';
import type { Step } from './step.js';

export function rateLimit(state: SharedState, logger: Logger): Step {
  return {
    name: 'rate-limit',
    admit({ client, request }) {
      if (!client?.rateLimit) return undefined;
      return enforceRateLimit(state, client, logger, request.requestId);
    },
  };
}
