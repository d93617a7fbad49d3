// One help document, markdown to HTML (issue 16, item 8), with markdown-it:
// - no raw HTML: markdown-it's `html: false` writes any tag of the document as text, and its link
//   check refuses javascript:, vbscript:, file: and data: (but images) addresses;
// - a link to another help document becomes a link to its help page (#/help/<slug>, an anchor as
//   ?at=<anchor>), an image of docs/img is served by /api/help/images/<name>; a link to a file that
//   is not in the help (source code, developer documents) keeps its text only;
// - headings get ids (help-<GitHub's anchor>) for those anchors; table alignment becomes a class
//   (the Content Security Policy forbids style attributes).
import { posix } from 'node:path';
import MarkdownIt, { type StateCore, type Token } from 'markdown-it';
import type { HelpDocument } from './help-documents.js';
import { HELP_IMAGES_DIR } from './help-documents.js';

export interface RenderedHelp {
  title: string;
  html: string;
}

/** The id prefix of headings, so that a document's anchors never clash with the app's own ids. */
export const HEADING_ID_PREFIX = 'help-';
export const HELP_IMAGES_URL = '/api/help/images/';

/** GitHub's heading anchors: lower case, punctuation out, spaces to hyphens. */
export function headingAnchor(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The text before the first `## ` heading and the named `## ` sections, in the file's order. */
export function selectSections(markdown: string, sections: readonly string[]): string {
  const kept: string[] = [];
  let fence: string | null = null;
  let keep = true;
  for (const line of markdown.split('\n')) {
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark && (fence === null || (fenceMark[0] === fence[0] && fenceMark.length >= fence.length))) {
      fence = fence === null ? fenceMark : null;
    } else if (fence === null && line.startsWith('## ')) {
      keep = sections.includes(line.slice(3).trim());
    }
    if (keep) kept.push(line);
  }
  return kept.join('\n');
}

export function renderHelpMarkdown(markdown: string, doc: HelpDocument, documents: readonly HelpDocument[]): RenderedHelp {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.core.ruler.push('fuseguard-help', (state) => {
    const used = new Map<string, number>();
    state.tokens.forEach((token, i) => {
      if (token.type === 'heading_open') {
        const anchor = headingAnchor(inlineText(state.tokens[i + 1]));
        const seen = used.get(anchor) ?? 0;
        used.set(anchor, seen + 1);
        token.attrSet('id', `${HEADING_ID_PREFIX}${seen === 0 ? anchor : `${anchor}-${seen}`}`);
      }
      if (token.type === 'th_open' || token.type === 'td_open') {
        const align = /text-align:(left|right|center)/.exec(String(token.attrGet('style') ?? ''))?.[1];
        token.attrs = align ? [['class', `align-${align}`]] : null;
      }
      if (token.type === 'inline' && token.children) rewriteInline(token.children, doc, documents, state.Token);
    });
  });
  const body = doc.sections ? selectSections(markdown, doc.sections) : markdown;
  const tokens = md.parse(body, {});
  const firstHeading = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1');
  const title = doc.title ?? (firstHeading >= 0 ? inlineText(tokens[firstHeading + 1]) : doc.slug);
  return { title, html: md.renderer.render(tokens, md.options, {}) };
}

function inlineText(token: Token | undefined): string {
  return (token?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
}

function rewriteInline(children: Token[], doc: HelpDocument, documents: readonly HelpDocument[], TokenCtor: StateCore['Token']): void {
  const open: Token[] = [];
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (child.type === 'link_open') {
      open.push(child);
      const href = rewriteLink(String(child.attrGet('href') ?? ''), doc, documents);
      if (href === null) {
        child.tag = 'span';
        child.attrs = [['class', 'help-unlinked']];
      } else {
        child.attrSet('href', href);
        if (/^(https?:|mailto:)/i.test(href)) {
          child.attrSet('target', '_blank');
          child.attrSet('rel', 'noopener noreferrer');
        }
      }
    } else if (child.type === 'link_close') {
      const opening = open.pop();
      if (opening?.tag === 'span') child.tag = 'span';
    } else if (child.type === 'image') {
      const src = imageUrl(String(child.attrGet('src') ?? ''), doc);
      if (src === null) {
        const text = new TokenCtor('text', '', 0);
        text.content = child.content;
        children[i] = text;
      } else {
        child.attrSet('src', src);
        child.attrSet('loading', 'lazy');
      }
    }
  }
}

function decoded(href: string): string {
  try {
    return decodeURI(href);
  } catch {
    return href;
  }
}

/** Where a link of the document goes in the help; null: nowhere (a file that is not in the help). */
export function rewriteLink(href: string, doc: HelpDocument, documents: readonly HelpDocument[]): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return href; // http(s), mailto (markdown-it let it through)
  if (href.startsWith('/')) return href; // this server's own pages (/api/docs)
  const [path, anchor] = splitAnchor(decoded(href));
  const at = anchor ? `?at=${encodeURIComponent(anchor)}` : '';
  if (path === '') return `#/help/${doc.slug}${at}`;
  const target = posix.normalize(posix.join(posix.dirname(doc.source), path));
  const other = documents.find((d) => d.source === target);
  if (other) return `#/help/${other.slug}${at}`;
  if (posix.dirname(target) === HELP_IMAGES_DIR) return `${HELP_IMAGES_URL}${encodeURIComponent(posix.basename(target))}`;
  return null;
}

function imageUrl(src: string, doc: HelpDocument): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/')) return null; // nothing from elsewhere (no internet on a site)
  const target = posix.normalize(posix.join(posix.dirname(doc.source), decoded(src)));
  return posix.dirname(target) === HELP_IMAGES_DIR ? `${HELP_IMAGES_URL}${encodeURIComponent(posix.basename(target))}` : null;
}

function splitAnchor(href: string): [string, string] {
  const hash = href.indexOf('#');
  return hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash + 1)];
}
