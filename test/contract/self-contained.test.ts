/**
 * The repository stands alone: a clone has nothing beside it, so no file of the project (code, tests,
 * docs, CI) may read or link the team's reference folder that sits next to the repository in the
 * developers' workspace. Its provider reference and public contract live in docs/providers.md and
 * docs/contract/. The pattern is assembled from parts so this file does not match itself.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUTSIDE = 'shared';
/** The folder one level up by its name, or a path into the reference folder's `design/` or `providers/`, however it is reached. */
const FORBIDDEN = new RegExp(String.raw`\.\./${OUTSIDE}\b|\b${OUTSIDE}/(?:design|providers)\b`);
const NEVER_OURS = new Set(['node_modules', '.git', 'dist', 'coverage']);

/** The project's files: tracked plus untracked-but-not-ignored (git), or a walk when there is no git. */
async function projectFiles(): Promise<string[]> {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
    return out.split('\0').filter(Boolean);
  } catch {
    const entries = await readdir(ROOT, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
      .filter((path) => !path.split(/[\\/]/).some((part) => NEVER_OURS.has(part)));
  }
}

describe('the repository stands alone', () => {
  it('recognises a path outside the clone, and only that', () => {
    for (const bad of [
      `../${OUTSIDE}/design/contract.md`,
      `[ref](../${OUTSIDE}/providers/REFERENCE.md)`,
      `/work/${OUTSIDE}/providers/seeds`,
      `'../${OUTSIDE}'`,
    ]) {
      expect(FORBIDDEN.test(bad), bad).toBe(true);
    }
    for (const fine of ['shared state lives in Redis', 'the shared transport', 'docs/providers.md', 'docs/contract/schema.graphql']) {
      expect(FORBIDDEN.test(fine), fine).toBe(false);
    }
  });

  it('has no file that reads or links anything beside the clone', async () => {
    const files = await projectFiles();
    // The listing must really be the project, or finding nothing would prove nothing.
    expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'docs/providers.md', 'docs/contract/schema.graphql']));
    const offenders: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the work tree but still tracked
      }
      text.split('\n').forEach((line, i) => {
        if (FORBIDDEN.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders, `point these at docs/providers.md or docs/contract/ instead:\n  ${offenders.join('\n  ')}`).toEqual([]);
  });
});
