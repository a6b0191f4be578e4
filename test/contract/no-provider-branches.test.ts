/**
 * Modules ask providers for capabilities (src/providers/capabilities.ts) and never branch on a provider's
 * name: no GraphQL module or GraphQL helper compares a provider id with a provider literal.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['src/modules', 'src/graphql'];
const PROVIDER = '(TELEPAGOS|TALO|TUPAY)';
/** `=== 'TUPAY'`, `!== 'TALO'`, `case 'TELEPAGOS'` (either quote). */
const BRANCH = new RegExp(String.raw`[!=]==\s*(['"])${PROVIDER}\1|\bcase\s+(['"])${PROVIDER}\3`);

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
    const hits: string[] = [];
    for (const file of files) {
      (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
        if (BRANCH.test(line)) hits.push(`${file.slice(ROOT.length)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
