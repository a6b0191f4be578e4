/**
 * Trusted documents: the manifests client apps ship (hash → document, as `npm run codegen` writes
 * src/generated/persisted-documents.json), read, checked and compiled once, then attached to the apps
 * of a ClientRegistry. A manifest that cannot be used is a ClientsFileError listing every problem of
 * every manifest at once: at start the gateway refuses to run, on a reload it keeps the tables it has.
 *
 * Every document is checked like a request's: its key must be the SHA-256 of its text, and the text must
 * parse and validate with every rule of the operation pipeline (limits included) and hold exactly one
 * operation. What is stored is the parsed, validated document: running it by id skips all of that.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ClientRegistry, ClientsFileError, type ClientsFileOptions, type TrustedDocument } from '../auth/clients.js';

/** `sha256:<64 hex>` (the persisted-documents proposal) or the bare 64 hex digits (APQ). */
const DOCUMENT_ID = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** The lower-case hex hash of a document id, or undefined when it is not a SHA-256 id. */
export function hashOfId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  return DOCUMENT_ID.exec(id)?.[1]?.toLowerCase();
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Parses, validates and checks a document text (the operation pipeline's compile step). */
export type Compile = (text: string, hash: string, source: string) => TrustedDocument | { problem: string };

/** Largest manifest file read (a manifest of thousands of operations is a few MB). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * The registry's apps with their manifests' documents, every manifest read once and every document
 * compiled once (shared by the apps that list the same manifest or the same document). Throws a
 * ClientsFileError naming each manifest and document in trouble.
 */
export async function attachManifests(registry: ClientRegistry, compile: Compile): Promise<ClientRegistry> {
  const problems: string[] = [];
  const byManifest = new Map<string, Map<string, TrustedDocument>>();
  const compiled = new Map<string, TrustedDocument>();
  for (const path of registry.manifests) {
    const documents = new Map<string, TrustedDocument>();
    byManifest.set(path, documents);
    let json: unknown;
    try {
      const text = await readFile(path, 'utf8');
      if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) throw new Error(`over ${MAX_MANIFEST_BYTES} bytes`);
      json = JSON.parse(text);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message);
      problems.push(`manifest ${path} cannot be read (${reason})`);
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      problems.push(`manifest ${path} must be a JSON object of "sha256:<hex>": "<document>"`);
      continue;
    }
    for (const [key, text] of Object.entries(json as Record<string, unknown>)) {
      const hash = hashOfId(key);
      const at = `manifest ${path}, document ${key.slice(0, 80)}`;
      if (!hash) {
        problems.push(`${at}: the key must be "sha256:" and 64 hex digits`);
        continue;
      }
      if (typeof text !== 'string') {
        problems.push(`${at}: the value must be the document's text`);
        continue;
      }
      if (sha256Hex(text) !== hash) {
        problems.push(`${at}: the key is not the SHA-256 of the document's text (regenerate the manifest)`);
        continue;
      }
      let document = compiled.get(hash);
      if (!document) {
        const result = compile(text, hash, path);
        if ('problem' in result) {
          problems.push(`${at}: ${result.problem}`);
          continue;
        }
        document = result;
        compiled.set(hash, document);
      }
      documents.set(hash, document);
    }
  }
  if (problems.length > 0) throw new ClientsFileError(problems);
  return registry.withTrusted((manifests) => {
    if (manifests.length === 1) return byManifest.get(manifests[0]!)!;
    const merged = new Map<string, TrustedDocument>();
    for (const path of manifests) for (const [hash, document] of byManifest.get(path)!) merged.set(hash, document);
    return merged;
  });
}

/** CLIENTS_FILE and every manifest it names, read and compiled: the registry a gateway runs with. */
export async function loadClients(path: string, compile: Compile, options: Omit<ClientsFileOptions, 'baseDir'> = {}): Promise<ClientRegistry> {
  return attachManifests(await ClientRegistry.fromFile(path, options), compile);
}
