import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReport, type ReportData } from './report.js';

const data = (): ReportData => ({
  generatedAt: Date.UTC(2025, 0, 2, 3, 4, 5), version: '1.2.3', startedAt: Date.UTC(2025, 0, 1), node: 'v20', platform: 'linux x64', hostname: 'box',
  resources: { rssBytes: 50e6, heapUsedBytes: 20e6, systemMemoryTotalBytes: 2e9, systemMemoryFreeBytes: 1e9, loadAverage: [0.1, 0.2, 0.3], cpuCount: 2, cpuUserMs: 1000, cpuSystemMs: 500, dataDir: '/var/lib/fg', databaseBytes: 4096, diskTotalBytes: 1e10, diskFreeBytes: 5e9 },
  configuration: [['unknown stations', 'pending']],
  zones: [{ name: 'Main', parent: null, maxCurrentA: 63, mode: 'static', meter: null }],
  stations: [{ id: '<script>alert(1)</script>', zone: 'Main', admission: 'admitted', connected: true, status: 'Available', errorCode: 'NoError', model: 'ACME "X"', firmware: null, controlIssue: null, lastSeenAt: null, connectors: '1: Available' }],
  meters: [],
  control: { rounds: 3, averageRoundMs: 1.5, lastRoundAt: null },
  errors: [{ at: 0, level: 'error', stationId: null, action: 'x', message: "it's <b>broken</b> & more" }],
});

describe('maintenance report (X2)', () => {
  it('escapes every value', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderReport(data());
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('it&#39;s &lt;b&gt;broken&lt;/b&gt; &amp; more');
    expect(html).toContain('ACME &quot;X&quot;');
  });

  it('is self-contained: inline CSS, no external resource, version and uptime', () => {
    const html = renderReport(data());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<link|<script|src=|href=|url\(/i);
    expect(html).toContain('1.2.3');
    expect(html).toContain('1d 3h 4m 5s');
    expect(html).toContain('no meter');
  });
});
