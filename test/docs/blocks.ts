/**
 * The code blocks of the project's Markdown (README.md and docs/**), as the doc-test runs them.
 *
 * Every fenced block says what it is in its info string:
 * - `graphql`: sent to the gateway (a subscription is opened over graphql-ws); a `json` block right after
 *   it is its variables. It must answer without errors unless marked `<!-- doc-test: expect-errors -->`.
 * - `bash`, `sh`: run, in order, in one bash session per document (variables carry over, as in a
 *   terminal); every command must succeed.
 * - `text` (output, diagrams) and `json` (data samples) are never run.
 * - Anything else (`ts`, no info string, …) is refused unless skipped.
 * A block that cannot run here is marked right before it with `<!-- doc-test: skip (the reason) -->`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import MarkdownIt from 'markdown-it';

export type BlockKind = 'graphql' | 'shell' | 'variables' | 'sample';

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  kind: BlockKind | 'unknown';
  code: string;
  /** The `<!-- doc-test: … -->` directive right before the block, if any. */
  directive?: Directive;
  /** For a graphql block: the json block right after it. */
  variables?: DocBlock;
}

export type Directive = { kind: 'skip'; reason: string } | { kind: 'expect-errors' } | { kind: 'invalid'; text: string };

const KINDS: Record<string, BlockKind> = { graphql: 'graphql', gql: 'graphql', bash: 'shell', sh: 'shell', text: 'sample', json: 'sample' };

export function parseDirective(html: string): Directive | undefined {
  const comment = /^<!--\s*doc-test:([\s\S]*?)-->\s*$/.exec(html.trim());
  if (!comment) return undefined;
  const body = comment[1]!.trim();
  const skip = /^skip\s*\(([\s\S]*)\)$/.exec(body);
  if (skip) return skip[1]!.trim() ? { kind: 'skip', reason: skip[1]!.trim() } : { kind: 'invalid', text: body };
  if (body === 'expect-errors') return { kind: 'expect-errors' };
  return { kind: 'invalid', text: body };
}

/** Containers are transparent: a comment right before a list still sits right before its first block. */
const CONTAINERS = new Set(['bullet_list_open', 'ordered_list_open', 'list_item_open', 'blockquote_open']);

export function extractBlocks(file: string, markdown: string): DocBlock[] {
  const tokens = new MarkdownIt({ html: true }).parse(markdown, {});
  const blocks: DocBlock[] = [];
  let previous: (typeof tokens)[number] | undefined;
  let previousBlock: { token: unknown; block: DocBlock } | undefined;
  for (const token of tokens) {
    if (!token.block || token.type.endsWith('_close') || CONTAINERS.has(token.type)) continue;
    if (token.type === 'fence') {
      const lang = token.info.trim().split(/\s+/)[0] ?? '';
      const directive = previous?.type === 'html_block' ? parseDirective(previous.content) : undefined;
      const block: DocBlock = { file, line: (token.map?.[0] ?? 0) + 1, lang, kind: KINDS[lang] ?? 'unknown', code: token.content, directive };
      // A json block directly after a graphql block (nothing between them) holds its variables.
      const before = previousBlock?.token === previous ? previousBlock?.block : undefined;
      if (lang === 'json' && before?.kind === 'graphql') {
        block.kind = 'variables';
        before.variables = block;
      }
      blocks.push(block);
      previousBlock = { token, block };
    }
    previous = token;
  }
  return blocks;
}

/** README.md and every Markdown file under docs/, relative to the repository root. */
export function documents(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.md') ? [relative(root, path)] : [];
    });
  return ['README.md', ...walk(join(root, 'docs')).sort()];
}

export function blocksOf(root: string, file: string): DocBlock[] {
  return extractBlocks(file, readFileSync(join(root, file), 'utf8'));
}
