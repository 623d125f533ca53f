/**
 * The README and the guides it links stay true: every relative link reaches a file (and a heading, for an
 * anchor), and every `npm run <script>` they show exists in package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchors = (markdown: string) => new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!.replace(/`/g, ''))));
// Links outside code: fenced blocks and inline code spans are dropped first.
const links = (markdown: string) =>
  [
    ...markdown
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g),
  ].map((m) => m[1]!);

/** The README and every Markdown guide reachable from it through relative links. */
function guides(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const link of links(readFileSync(file, 'utf8'))) {
      const target = link.split('#')[0]!;
      if (!target || /^[a-z]+:/.test(target)) continue;
      const path = join(dirname(file), target);
      if (path.endsWith('.md') && existsSync(path) && !relative(ROOT, path).startsWith('..')) visit(path);
    }
  };
  visit(join(ROOT, 'README.md'));
  return [...seen];
}

describe('README and its guides', () => {
  const files = guides();

  it('reach the guides of each part (edge API, commands, API reference, components, development)', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['README.md', 'worker/README.md', 'scripts/README.md', 'model/README.md', 'model/runtime/components/README.md', 'CONTRIBUTING.md', 'BENCHMARKS.md']),
    );
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const link of links(text)) {
        if (/^[a-z]+:/.test(link)) continue;
        const [target, anchor] = link.split('#') as [string, string | undefined];
        const path = target ? join(dirname(file), target) : file;
        if (!existsSync(path)) broken.push(`${relative(ROOT, file)}: ${link} (no such file)`);
        else if (anchor && path.endsWith('.md') && !anchors(readFileSync(path, 'utf8')).has(anchor)) broken.push(`${relative(ROOT, file)}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('show only npm scripts that exist', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);
    const used = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((s) => !scripts.includes(s))).toEqual([]);
    for (const s of ['start', 'test']) expect(scripts).toContain(s);
  });

  it('keep the README a short user guide', () => {
    expect(readFileSync(join(ROOT, 'README.md')).length).toBeLessThanOrEqual(15_500);
  });
});
