/**
 * Modules ask providers for capabilities (src/providers/capabilities.ts) and never branch on a provider's
 * name: no GraphQL module, GraphQL helper or the schema's node lookups compares a provider id with a
 * provider literal, and no module reaches a provider's client by name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['src/modules', 'src/graphql'];
/** Single files outside those folders that must not branch either (the schema's node lookups). */
const FILES = ['src/schema.ts'];
const PROVIDER = '(TELEPAGOS|TALO|TUPAY)';
/** `=== 'TUPAY'`, `!== 'TALO'`, `case 'TELEPAGOS'` (either quote). */
const BRANCH = new RegExp(String.raw`[!=]==\s*(['"])${PROVIDER}\1|\bcase\s+(['"])${PROVIDER}\3`);

async function branches(files: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of files) {
    (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
      if (BRANCH.test(line)) hits.push(`${file.slice(ROOT.length)}:${i + 1}: ${line.trim()}`);
    });
  }
  return hits;
}

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('no branching on provider names', () => {
  it('the pattern catches every form of the comparison', () => {
    for (const line of ["if (p === 'TUPAY')", 'p !== "TALO"', "p=== 'TELEPAGOS'", "case 'TALO':"]) expect(line).toMatch(BRANCH);
    expect("toGlobalId('Account', 'TELEPAGOS', id)").not.toMatch(BRANCH);
  });

  it.each(FOLDERS)('%s compares no provider id with a provider literal', async (folder) => {
    const files = await sources(folder);
    expect(files.length).toBeGreaterThan(0);
    expect(await branches(files)).toEqual([]);
  });

  it.each(FILES)('%s compares no provider id with a provider literal', async (file) => {
    const source = await readFile(join(ROOT, file), 'utf8');
    // The file exists and holds the node lookups this check is about.
    expect(source).toContain('nodeFetchers');
    expect(await branches([join(ROOT, file)])).toEqual([]);
  });

  it('no GraphQL module reaches a provider client by name (they ask the registry for capabilities)', async () => {
    const byName = /\bproviders\.(telepagos|talo|tupay)\b/;
    const hits: string[] = [];
    for (const folder of FOLDERS) {
      for (const file of await sources(folder)) {
        (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
          // `ctx.config.providers.talo` is configuration, not a client.
          if (byName.test(line) && !/config\.providers\./.test(line)) hits.push(`${file.slice(ROOT.length)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(hits).toEqual([]);
  });
});
