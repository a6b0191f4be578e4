/**
 * docs/contributing.md, "Install warnings", names every warning `npm ci` prints from the committed
 * lockfile: each installed package whose `engines.node` the running Node does not satisfy (npm's
 * EBADENGINE) and each package with an install script (npm 11's allowScripts notice). A dependency
 * update that adds one fails here until its line, and why it is harmless, is written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

type Version = [number, number, number];

/** The numeric parts of a version or partial version (`22`, `0.8.x`, `10.*`): up to the first wildcard. */
function parts(text: string): number[] {
  const result: number[] = [];
  for (const part of text.split('.')) {
    if (!/^\d+$/.test(part)) break;
    result.push(Number(part));
  }
  return result;
}

function compare(a: Version, b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = a[i]! - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** One comparator of npm's range grammar, as the lockfile's engines use it. */
function comparator(version: Version, token: string): boolean {
  const [, op = '', rest = ''] = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(token)!;
  const bound = parts(rest);
  if (bound.length === 0) return true; // `*`, `x`
  const prefix = (n: number) => bound.slice(0, n).every((p, i) => version[i] === p);
  switch (op) {
    case '>=':
      return compare(version, bound) >= 0;
    case '>':
      return compare(version, bound) > 0;
    case '<=':
      return compare(version, bound) <= 0;
    case '<':
      return compare(version, bound) < 0;
    case '^': {
      const fixed = bound.findIndex((p) => p !== 0); // ^0.2.3 fixes the minor, ^1.2 the major
      return compare(version, bound) >= 0 && prefix(Math.min(fixed === -1 ? bound.length : fixed + 1, bound.length));
    }
    case '~':
      return compare(version, bound) >= 0 && prefix(Math.min(2, bound.length));
    default:
      return bound.length === 3 ? compare(version, bound) === 0 : prefix(bound.length); // `20`, `10.x`
  }
}

export function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((set) => {
    const tokens = set
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return tokens.every((token) => comparator(version, token));
  });
}

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  link?: boolean;
}

const NODE = parts(process.versions.node) as Version;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** The lockfile's packages npm installs here (skipping the root and other platforms' optional builds). */
const installed = Object.entries(lock.packages)
  .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.link && entry.version)
  .filter(([, entry]) => (!entry.os || entry.os.includes(process.platform)) && (!entry.cpu || entry.cpu.includes(process.arch)))
  .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), ...entry }));

const contributing = readFileSync(join(ROOT, 'docs/contributing.md'), 'utf8');
const section = contributing.slice(contributing.indexOf('### Install warnings'), contributing.indexOf('\n## ', contributing.indexOf('### Install warnings')));

describe('the install warnings are all documented', () => {
  it('reads ranges as npm does (the forms the lockfile uses)', () => {
    expect(satisfies([20, 20, 2], '>=22.15.0')).toBe(false);
    expect(satisfies([20, 20, 2], '>= 18')).toBe(true);
    expect(satisfies([20, 20, 2], '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(satisfies([20, 18, 0], '^20.19.0 || ^22.13.0 || >=24')).toBe(false);
    expect(satisfies([20, 20, 2], '18 || 20 || >=22')).toBe(true);
    expect(satisfies([21, 0, 0], '18 || 20 || >=22')).toBe(false);
    expect(satisfies([20, 20, 2], '>=16 || 14 >=14.17')).toBe(true);
    expect(satisfies([20, 20, 2], '10.* || >= 12.*')).toBe(true);
    expect(satisfies([20, 20, 2], '^0.8.0')).toBe(false);
    expect(satisfies([20, 20, 2], '*')).toBe(true);
  });

  it('docs/contributing.md has the section, and the lockfile has packages', () => {
    expect(section).toContain('### Install warnings');
    expect(installed.length).toBeGreaterThan(300);
  });

  it(`every package whose engines exclude this Node (${process.versions.node}) is listed with its version`, () => {
    const warned = installed.filter((p) => p.engines && !Array.isArray(p.engines) && p.engines.node && !satisfies(NODE, p.engines.node));
    const missing = [...new Set(warned.map((p) => `${p.name}@${p.version}`))].filter((id) => !section.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });

  it('every package with an install script is listed with its version', () => {
    const scripted = installed.filter((p) => p.hasInstallScript).map((p) => `${p.name}@${p.version}`);
    expect(scripted.length).toBeGreaterThan(0);
    expect(scripted.filter((id) => !section.includes(`\`${id}\``))).toEqual([]);
  });
});
