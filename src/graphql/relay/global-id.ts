/**
 * Opaque global ids (Relay): base64url of `Type:PROVIDER:localId`. Clients must treat them as opaque;
 * root lookups also accept the provider's own id. Decoding never throws: a malformed id is just unknown.
 */
import { PROVIDERS, type ProviderId } from '../../providers/provider.js';

export const NODE_TYPES = ['Account', 'Transaction', 'SalePoint', 'Cashout', 'Cashin', 'Payment'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export interface GlobalId {
  type: NodeType;
  provider: ProviderId;
  localId: string;
}

export function toGlobalId(type: NodeType, provider: ProviderId, localId: string): string {
  return Buffer.from(`${type}:${provider}:${localId}`, 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function fromGlobalId(id: string): GlobalId | null {
  if (id.length > 512 || !BASE64URL.test(id)) return null;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const [type, provider, ...rest] = text.split(':');
  const localId = rest.join(':');
  if (!NODE_TYPES.includes(type as NodeType) || !PROVIDERS.includes(provider as ProviderId) || !localId) return null;
  return { type: type as NodeType, provider: provider as ProviderId, localId };
}

/**
 * The provider's local id for a root lookup that accepts either a global id of `type` or the provider's
 * own id. A global id of another type is refused (null): `cashout(id: <a Payment id>)` finds nothing.
 */
export function localIdFor(id: string, type: NodeType, provider: ProviderId): string | null {
  const global = fromGlobalId(id);
  if (global) return global.type === type && global.provider === provider ? global.localId : null;
  return id;
}
