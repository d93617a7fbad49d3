// The help's documents and images, read from the package (README.md and docs/ ship with it) and
// rendered once, on their first request (issue 16, item 8): nothing to build, nothing from the internet.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP_DOCUMENTS, HELP_IMAGES_DIR, type HelpDocument, type HelpGroup } from './help-documents.js';
import { renderHelpMarkdown, type RenderedHelp } from './render-markdown.js';

/** This package's root: the same from src/help (tsx) and from dist/help (built). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The documents are written in English only; the UI says so in its other languages. */
export const HELP_LANGUAGE = 'en';

export interface HelpEntry {
  slug: string;
  group: HelpGroup;
  title: string;
  language: string;
}

export interface HelpPage extends HelpEntry {
  html: string;
}

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

export class HelpLibrary {
  private readonly rendered = new Map<string, Promise<RenderedHelp | null>>();

  constructor(readonly root = PACKAGE_ROOT, readonly documents: readonly HelpDocument[] = HELP_DOCUMENTS) {}

  /** Every document of the help, in the list's order (those missing from this install left out). */
  async list(): Promise<HelpEntry[]> {
    const entries: HelpEntry[] = [];
    for (const doc of this.documents) {
      const page = await this.render(doc);
      if (page) entries.push({ slug: doc.slug, group: doc.group, title: page.title, language: HELP_LANGUAGE });
    }
    return entries;
  }

  /** One document rendered, or null when there is no such document. */
  async page(slug: string): Promise<HelpPage | null> {
    const doc = this.documents.find((d) => d.slug === slug);
    const page = doc ? await this.render(doc) : null;
    return doc && page ? { slug, group: doc.group, title: page.title, language: HELP_LANGUAGE, html: page.html } : null;
  }

  /** An image of docs/img, by its plain file name (nothing else is served), or null. */
  async image(name: string): Promise<{ data: Buffer; contentType: string } | null> {
    const contentType = IMAGE_TYPES[/\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''];
    if (!contentType) return null;
    const dir = join(this.root, HELP_IMAGES_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    if (!names.includes(name)) return null; // only a file listed in the folder: no path of the caller's
    return { data: await readFile(join(dir, name)), contentType };
  }

  private render(doc: HelpDocument): Promise<RenderedHelp | null> {
    let page = this.rendered.get(doc.slug);
    if (!page) {
      page = readFile(join(this.root, doc.source), 'utf8').then(
        (markdown) => renderHelpMarkdown(markdown, doc, this.documents),
        () => null,
      );
      this.rendered.set(doc.slug, page);
    }
    return page;
  }
}
