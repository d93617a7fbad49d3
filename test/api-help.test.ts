// Issue 16, item 8: the help. Every document of the list is served rendered to logged-in users
// (headings, links between documents rewritten to help pages, no raw HTML), its images too;
// anonymous callers are refused; the documents ship with the package.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP_DOCUMENTS, type HelpDocument } from '../src/help/help-documents.js';
import { HelpLibrary } from '../src/help/help-library.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { tempDir } from './helpers/temp-dir.js';

interface Entry { slug: string; group: string; title: string; language: string }
interface Page extends Entry { html: string }

describe('help (issue 16, item 8)', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(); });
  afterAll(async () => { await h?.cleanup(); });

  it('lists every document of the help, in its order', async () => {
    const r = await h.user.get<Entry[]>('/api/help');
    expect(r.status).toBe(200);
    expect(r.body.map((d) => d.slug)).toEqual(HELP_DOCUMENTS.map((d) => d.slug));
    for (const d of r.body) {
      expect(d.title.length, d.slug).toBeGreaterThan(0);
      expect(d.language).toBe('en');
    }
  });

  for (const doc of HELP_DOCUMENTS) {
    it(`serves ${doc.slug} (${doc.source}) rendered`, async () => {
      const r = await h.user.get<Page>(`/api/help/documents/${doc.slug}`);
      expect(r.status).toBe(200);
      const { html } = r.body;
      expect(html).toMatch(/<h1 id="help-[^"]+">/);
      expect(html).toMatch(/<h2 id="help-[^"]+">/);
      expect(html).not.toMatch(/<script|<iframe|<style| style=| on[a-z]+=/i);
      // Every link goes to a help page, this server, or the web; no markdown file is left linked.
      for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) {
        expect(href, `${doc.slug}: ${href}`).toMatch(/^(#\/help\/[a-z0-9-]+(\?at=[^"]+)?|\/[a-z]|https?:\/\/|mailto:)/);
        if (href.startsWith('#/help/')) expect(HELP_DOCUMENTS.map((d) => d.slug), href).toContain(/^#\/help\/([a-z0-9-]+)/.exec(href)?.[1]);
      }
      for (const [, src] of html.matchAll(/<img src="([^"]*)"/g)) {
        expect((await h.user.get(src)).status, src).toBe(200);
      }
    });
  }

  it('rewrites the links between documents and keeps only the operator parts of the README', async () => {
    const start = (await h.user.get<Page>('/api/help/documents/getting-started')).body.html;
    expect(start).toContain('<a href="#/help/security">docs/security.md</a>');
    expect(start).toContain('id="help-quick-start"');
    expect(start).toContain('<img src="/api/help/images/overview.png"');
    expect(start).not.toContain('id="help-development"');
    expect(start).not.toContain('id="help-benchmarks"');
    const api = (await h.user.get<Page>('/api/help/documents/api-configuration')).body.html;
    expect(api).toContain('<a href="#/help/api">api.md</a>');
    expect(api).toContain('<a href="#/help/meters">meters.md</a>');
  });

  it('serves the images of docs/img and nothing else', async () => {
    const png = await h.user.get('/api/help/images/overview.png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    for (const path of ['/api/help/images/..%2Fsecurity.md', '/api/help/images/..%2F..%2Fpackage.json', '/api/help/images/nothing.png', '/api/help/images/security.md']) {
      expect([400, 404], path).toContain((await h.user.get(path)).status);
    }
    expect((await h.user.get('/api/help/documents/architecture')).status).toBe(404);
    expect((await h.user.get('/api/help/documents/..%2FREADME')).status).toBe(400);
  });

  it('refuses anonymous callers', async () => {
    for (const path of ['/api/help', '/api/help/documents/getting-started', '/api/help/images/overview.png']) {
      expect((await h.anonymous.get(path)).status, path).toBe(401);
    }
  });

  it('writes a document\'s raw HTML as text: a script in the markdown is never markup', async () => {
    const { path: dir, cleanup } = tempDir('fuseguard-help-');
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs/hostile.md'), '# Hostile\n\n<script>window.pwned = 1</script>\n\n## Links\n\n[click](javascript:alert(1)) <img src=x onerror="alert(2)">\n');
    const docs: HelpDocument[] = [{ slug: 'hostile', source: 'docs/hostile.md', group: 'site' }];
    const page = await new HelpLibrary(dir, docs).page('hostile');
    expect(page?.html).toContain('&lt;script&gt;window.pwned = 1&lt;/script&gt;');
    expect(page?.html).not.toMatch(/<script|<img|href="javascript/i);
    expect(await new HelpLibrary(dir, docs).image('hostile.md')).toBeNull();
    cleanup();
  });

  it('ships the documents with the package (npm pack)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 });
    const files = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
    for (const doc of HELP_DOCUMENTS) expect(files.has(doc.source), doc.source).toBe(true);
    expect(files.has('docs/img/overview.png')).toBe(true);
  }, 60_000);
});
