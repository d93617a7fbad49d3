import { describe, expect, it } from 'vitest';
import { guardCsvCell, unguardCsvCell } from './csv-cell.js';

describe('CSV formula injection (issue 14, row 8)', () => {
  it('writes cells a spreadsheet would run as text, and reads them back unchanged', () => {
    for (const value of ['=1+1', '+CMD', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', "'=x", "''+y", 'plain', "'quoted", '04A1B2C3', '']) {
      const written = guardCsvCell(value);
      expect(/^[=+\-@\t\r]/.test(written)).toBe(false);
      expect(unguardCsvCell(written)).toBe(value);
    }
    expect(guardCsvCell('=1+1')).toBe("'=1+1");
    expect(guardCsvCell('plain')).toBe('plain');
  });
});
