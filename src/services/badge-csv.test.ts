import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBadgeCsv, parseBadgeCsv, type CsvBadge } from './badge-csv.js';

describe('badge CSV (B4)', () => {
  it('reads the own format with its header, defaults for missing columns', () => {
    const result = parseBadgeCsv('idTag,authorized,vip,comment\nAAA,true,false,Alice\nBBB,0,1,"Bob, the boss"\nCCC,,,\n');
    expect(result).toEqual({
      ok: true, format: 'fuseguard', badges: [
        { idTag: 'AAA', authorized: true, vip: false, comment: 'Alice', registeredAt: null, lastSeenAt: null },
        { idTag: 'BBB', authorized: false, vip: true, comment: 'Bob, the boss', registeredAt: null, lastSeenAt: null },
        { idTag: 'CCC', authorized: true, vip: false, comment: '', registeredAt: null, lastSeenAt: null },
      ],
    });
  });

  it('reads a plain station export: one idTag a line, extra columns ignored, ; or , or tab', () => {
    expect(parseBadgeCsv('04A1B2C3;Fleet car;x\n\n04D4E5F6\r\n')).toMatchObject({
      ok: true, format: 'station-export', badges: [{ idTag: '04A1B2C3', authorized: true, vip: false }, { idTag: '04D4E5F6' }],
    });
    expect(parseBadgeCsv('T1,a,b\nT2')).toMatchObject({ ok: true, badges: [{ idTag: 'T1' }, { idTag: 'T2' }] });
    expect(parseBadgeCsv('\uFEFFT1\tfoo\n')).toMatchObject({ ok: true, badges: [{ idTag: 'T1' }] });
  });

  it('reports every bad line by its number', () => {
    const text = 'idTag,authorized,comment\nGOOD,true,ok\n,true,no id\nTOO-LONG-ID-TAG-123456,true,\nX,maybe,\nGOOD,false,again\n';
    const result = parseBadgeCsv(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(result.errors[0].message).toMatch(/empty/);
    expect(result.errors[1].message).toMatch(/longer than 20/);
    expect(result.errors[2].message).toMatch(/authorized "maybe"/);
    expect(result.errors[3].message).toMatch(/already on line 2/);
  });

  it('refuses unknown header columns and over-long comments', () => {
    expect(parseBadgeCsv('idTag,colour\nA,red\n')).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringMatching(/unknown column "colour"/) }] });
    expect(parseBadgeCsv(`idTag,comment\nA,${'x'.repeat(51)}\n`)).toMatchObject({ ok: false, errors: [{ line: 2 }] });
  });

  it('gives an empty list for an empty file', () => {
    expect(parseBadgeCsv('')).toEqual({ ok: true, format: 'station-export', badges: [] });
  });

  it('reads back exactly what it wrote', () => {
    const badge = fc.record({
      idTag: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.trim() !== '' && s.toLowerCase() !== 'idtag'),
      authorized: fc.boolean(),
      vip: fc.boolean(),
      comment: fc.string({ maxLength: 50 }),
      registeredAt: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: null }),
      lastSeenAt: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 }), { nil: null }),
    });
    fc.assert(fc.property(fc.uniqueArray(badge, { selector: (b) => b.idTag, maxLength: 20 }), (badges: CsvBadge[]) => {
      const result = parseBadgeCsv(formatBadgeCsv(badges));
      expect(result).toEqual({ ok: true, format: 'fuseguard', badges });
    }));
  });
});

describe('badge export and formula injection (issue 14, row 8)', () => {
  it('writes an idTag or comment a spreadsheet would run as text, and imports it back as it was', () => {
    const badges = [{ idTag: '=1+1', authorized: true, vip: false, comment: '@SUM(A1)', registeredAt: null, lastSeenAt: null }];
    const csv = formatBadgeCsv(badges);
    expect(csv.split('\n')[1]).toBe("'=1+1,true,false,'@SUM(A1),,");
    expect(parseBadgeCsv(csv)).toEqual({ ok: true, format: 'fuseguard', badges });
  });
});
