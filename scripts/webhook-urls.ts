/**
 * Prints the secret notification URLs to configure in TelePagos' and Tupay's panels, from the same
 * environment the gateway reads (PUBLIC_URL, TELEPAGOS_WEBHOOK_SECRET, TUPAY_WEBHOOK_SECRET; without
 * provider URLs, the embedded sandboxes' secrets). Each URL is a credential: paste it into the
 * provider's panel, do not share it. Talo needs none (the gateway gives each payment its URL).
 */
import { loadConfig, withSandboxes } from '../src/config.js';
import { notificationUrls } from '../src/providers/webhook-url.js';

const loaded = loadConfig();
const config = loaded.embedded ? withSandboxes(loaded, { telepagos: '', talo: '', tupay: '' }) : loaded;
for (const [provider, url] of Object.entries(notificationUrls(config))) console.log(`${provider} ${url}`);
