/** Reading the repository's Markdown as GitHub renders it: fenced blocks, headings and their anchors, links. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../scripts/harness.mjs';

export interface Fence {
  lang: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest heading above the block, without its #s. */
  heading: string;
  /**
   * Whether the block is closed where its author meant: false when no closing fence follows, and when the body
   * holds an opening fence with an info string (```text), which only an earlier block left open can swallow.
   */
  closed: boolean;
  swallows?: boolean;
}

export interface Page {
  /** Path relative to the repository root, with / separators. */
  file: string;
  text: string;
  fences: Fence[];
  headings: string[];
  /** Lines outside fenced blocks (others blank), so prose checks never read code. */
  prose: string[];
}

/** The user and maintainer pages: README.md, CONTRIBUTING.md, SECURITY.md, CHANGELOG.md (when present), docs/*.md. */
export function pages(root = ROOT): Page[] {
  const top = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md'].filter((f) =>
    fs.existsSync(path.join(root, f))
  );
  const docs = fs.existsSync(path.join(root, 'docs'))
    ? fs
        .readdirSync(path.join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return [...top, ...docs].map((file) => readPage(file, fs.readFileSync(path.join(root, file), 'utf8')));
}

/** A page split into fenced blocks, headings and prose (CommonMark fences: ``` or ~~~, closed by at least as many). */
export function readPage(file: string, text: string): Page {
  const lines = text.split('\n');
  const fences: Fence[] = [];
  const headings: string[] = [];
  const prose: string[] = [];
  let open: { marker: string; fence: Fence; body: string[] } | undefined;
  let heading = '';
  lines.forEach((line, i) => {
    const m = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
    if (open) {
      prose.push('');
      if (m && m[1][0] === open.marker[0] && m[1].length >= open.marker.length && line.trim() === m[1]) {
        open.fence.body = open.body.join('\n');
        open.fence.closed = true;
        open = undefined;
      } else {
        if (m && m[1][0] === open.marker[0] && m[1].length >= open.marker.length && m[2] !== '')
          open.fence.swallows = true;
        open.body.push(line);
      }
      return;
    }
    if (m) {
      const fence: Fence = { lang: m[2], body: '', line: i + 1, heading, closed: false };
      fences.push(fence);
      open = { marker: m[1], fence, body: [] };
      prose.push('');
      return;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      heading = h[2];
      headings.push(h[2]);
    }
    prose.push(line);
  });
  if (open) open.fence.body = open.body.join('\n');
  for (const f of fences) if (f.swallows) f.closed = false;
  return { file, text, fences, headings, prose };
}

/** GitHub's anchor for a heading: Markdown marks dropped, lower case, punctuation removed, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*{1,2}([^*]+)\*{1,2}/g, '$1')
    .replace(/<[^>]+>/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a page offers, with GitHub's -1, -2 suffixes for repeated headings. */
export function anchors(page: Page): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of page.headings) {
    const s = slug(h);
    const n = seen.get(s) ?? 0;
    out.add(n === 0 ? s : `${s}-${n}`);
    seen.set(s, n + 1);
  }
  return out;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links and images in the prose, leaving out inline code spans. */
export function links(page: Page): Link[] {
  const out: Link[] = [];
  page.prose.forEach((line, i) => {
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: m[1], line: i + 1 });
  });
  return out;
}
