/**
 * The sandbox credentials of the public contract (docs/contract/README.md) and `npm run sandbox`'s
 * ports, by provider, as each provider's folder declares them (src/providers/<p>/sandbox.ts, listed in
 * src/providers/sandboxes.ts). The sandboxes accept these and nothing else; the embedded default points
 * the gateway at the sandboxes with them. They are not secrets: they open nothing but a simulator on loopback.
 */
import { SANDBOX_CREDENTIALS, sandboxDefaultPorts } from '../providers/sandboxes.js';

export { SANDBOX_CREDENTIALS };

/** Default ports of `npm run sandbox` (each overridable with its variable, e.g. SANDBOX_PORT_TELEPAGOS). */
export const SANDBOX_DEFAULT_PORTS = sandboxDefaultPorts();
