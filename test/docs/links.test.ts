/**
 * Every relative link of README.md and docs/** leads somewhere: the file exists, and a `#fragment`
 * names a heading of the target page (GitHub's anchors: the heading's text, lower-cased, punctuation
 * dropped, spaces as hyphens, a repeated heading numbered `-1`, `-2`…). Topics move between pages
 * (the README keeps the first five minutes, docs/ one page per topic); a link left behind fails here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { documents } from './blocks.js';

const ROOT = process.cwd();
const md = new MarkdownIt({ html: true });

type Token = ReturnType<typeof md.parse>[number];

function inlineText(token: Token): string {
  return (token.children ?? [])
    .filter((child) => child.type === 'text' || child.type === 'code_inline')
    .map((child) => child.content)
    .join('');
}

/** GitHub's heading anchors of a Markdown file. */
export function anchorsOf(markdown: string): Set<string> {
  const tokens = md.parse(markdown, {});
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const base = inlineText(tokens[i + 1]!)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  });
  return anchors;
}

/** The link targets of a Markdown file (inline links and images), with their lines. */
function linksOf(markdown: string): { href: string; line: number }[] {
  const links: { href: string; line: number }[] = [];
  for (const token of md.parse(markdown, {})) {
    if (token.type !== 'inline') continue;
    for (const child of token.children ?? []) {
      const href = child.type === 'link_open' ? child.attrGet('href') : child.type === 'image' ? child.attrGet('src') : null;
      if (href) links.push({ href: String(href), line: (token.map?.[0] ?? 0) + 1 });
    }
  }
  return links;
}

const isExternal = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href);

describe('links between the README and docs/', () => {
  it('the anchors follow GitHub (a heading with code, punctuation and a repeat)', () => {
    expect([...anchorsOf('# A\n## Provider clients (`src/providers/`)\n## Hung or failing: time budget\n## A\n')]).toEqual([
      'a',
      'provider-clients-srcproviders',
      'hung-or-failing-time-budget',
      'a-1',
    ]);
  });

  it('every relative link names an existing file, and every fragment a heading of its page', () => {
    const broken: string[] = [];
    const files = documents(ROOT);
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const { href, line } of linksOf(text)) {
        if (isExternal(href)) continue;
        checked++;
        const [path, fragment] = href.split('#') as [string, string | undefined];
        const target = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
        if (relative(ROOT, join(ROOT, target)).startsWith('..')) {
          broken.push(`${file}:${line}: ${href} leaves the repository`);
          continue;
        }
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${file}:${line}: ${href}: no ${target}`);
          continue;
        }
        if (fragment === undefined || !target.endsWith('.md') || statSync(join(ROOT, target)).isDirectory()) continue;
        if (!anchorsOf(readFileSync(join(ROOT, target), 'utf8')).has(fragment)) broken.push(`${file}:${line}: ${href}: no heading #${fragment} in ${target}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });
});
