// The help's rendering (issue 16, item 8): safe HTML, links between documents to help pages,
// images from docs/img, only the chosen README sections.
import { describe, expect, it } from 'vitest';
import type { HelpDocument } from './help-documents.js';
import { headingAnchor, renderHelpMarkdown, rewriteLink, selectSections } from './render-markdown.js';

const DOCS: HelpDocument[] = [
  { slug: 'getting-started', source: 'README.md', group: 'start', title: 'Getting started', sections: ['Quick start'] },
  { slug: 'meters', source: 'docs/meters.md', group: 'site' },
  { slug: 'api', source: 'docs/api.md', group: 'integration' },
];
const meters = DOCS[1];

describe('help rendering', () => {
  it('writes raw HTML of a document as text, never as markup', () => {
    const { html } = renderHelpMarkdown('# T\n\n<script>alert(1)</script>\n\ntext <img src=x onerror=alert(2)> and <b>bold</b>\n', meters, DOCS);
    expect(html).not.toMatch(/<script|<img src="x"|<b>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('refuses script addresses in links and images', () => {
    const { html } = renderHelpMarkdown('[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) ![c](data:text/html;base64,PHNjcmlwdD4=) [d](vbscript:x)', meters, DOCS);
    expect(html).not.toMatch(/href="(javascript|vbscript|data):/i);
    expect(html).not.toMatch(/src="data:/i);
  });

  it('links documents to their help pages, anchors as ?at=, other files as plain text', () => {
    const { html } = renderHelpMarkdown([
      '# Meters', '',
      'See [the API](api.md), [its errors](api.md#errors), [below](#wiring), [the README](../README.md#quick-start),',
      '[the code](../src/meters/poller.ts), [architecture](architecture.md), [the web](https://example.org/x) and [docs](/api/docs).',
      '', '## Wiring', '', '## Wiring',
    ].join('\n'), meters, DOCS);
    expect(html).toContain('<a href="#/help/api">the API</a>');
    expect(html).toContain('<a href="#/help/api?at=errors">its errors</a>');
    expect(html).toContain('<a href="#/help/meters?at=wiring">below</a>');
    expect(html).toContain('<a href="#/help/getting-started?at=quick-start">the README</a>');
    expect(html).toContain('<span class="help-unlinked">the code</span>');
    expect(html).toContain('<span class="help-unlinked">architecture</span>');
    expect(html).toContain('<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">the web</a>');
    expect(html).toContain('<a href="/api/docs">docs</a>');
    expect(html).toContain('<h2 id="help-wiring">');
    expect(html).toContain('<h2 id="help-wiring-1">');
  });

  it('serves images of docs/img from the help, and shows no other image', () => {
    const readme = renderHelpMarkdown('![overview](docs/img/overview.png) ![far](https://example.org/a.png) ![code](src/x.png)', DOCS[0], DOCS).html;
    expect(readme).toContain('<img src="/api/help/images/overview.png" alt="overview" loading="lazy">');
    expect(readme).not.toContain('example.org');
    expect(readme).toContain('far');
    const doc = renderHelpMarkdown('![zone](img/zone-view.png)', meters, DOCS).html;
    expect(doc).toContain('src="/api/help/images/zone-view.png"');
  });

  it('keeps the README text before its first section and the chosen sections only, fences respected', () => {
    const readme = ['# Fuseguard', 'intro', '## Quick start', '```sh', '## not a heading', '```', 'run', '## Development', 'dev stuff', '## Benchmarks', 'figures'].join('\n');
    const kept = selectSections(readme, ['Quick start']);
    expect(kept).toContain('intro');
    expect(kept).toContain('## not a heading');
    expect(kept).toContain('run');
    expect(kept).not.toContain('dev stuff');
    expect(kept).not.toContain('figures');
    expect(renderHelpMarkdown(readme, DOCS[0], DOCS).title).toBe('Getting started');
  });

  it('turns table alignment into classes (the CSP forbids style attributes) and takes the first heading as title', () => {
    const { html, title } = renderHelpMarkdown('# Power meters (Modbus)\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n', meters, DOCS);
    expect(title).toBe('Power meters (Modbus)');
    expect(html).not.toContain('style=');
    expect(html).toContain('<th class="align-right">a</th>');
    expect(html).toContain('<td class="align-center">2</td>');
  });

  it('makes GitHub-like heading anchors', () => {
    expect(headingAnchor('Configuration: the site file')).toBe('configuration-the-site-file');
    expect(headingAnchor('Zone view (`/zones/:name`, W4)')).toBe('zone-view-zonesname-w4');
    expect(rewriteLink('meters.md', DOCS[2], DOCS)).toBe('#/help/meters');
  });
});
