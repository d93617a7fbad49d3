import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatSessionCsv } from './session-export.js';

// 2025-01-15 is a Wednesday; Paris is UTC+1 in January.
const paris = (hhmm: string, day = 15) => Date.parse(`2025-01-${String(day).padStart(2, '0')}T${hhmm}:00+01:00`);

describe('session CSV (W10)', () => {
  it('W10: has the columns, NoPeriod (as the manual names it) then one per period, in kWh', () => {
    const csv = formatSessionCsv([{
      transactionId: 7, stationId: 'CP-1', connectorId: 2, idTag: 'ABC', chargeType: 'AC', startAt: paris('17:00'), endAt: paris('19:00'),
      socketType: '', comment: 'fleet', boxIdentity: 'BOX-1', split: { noPeriodWh: 5000, byPeriodWh: { peak: 5000, night: 0 }, totalWh: 10_000 },
    }], ['peak', 'night'], 0);
    const rows = parse(csv) as string[][];
    expect(rows[0]).toEqual(['transaction', 'station', 'connector', 'idTag', 'chargeType', 'start', 'end', 'energyKWh', 'socketType', 'duration',
      'comment', 'chargeBoxIdentity', 'NoPeriod', 'tou:peak kWh', 'tou:night kWh']);
    expect(rows[1]).toEqual(['7', 'CP-1', '2', 'ABC', 'AC', '2025-01-15T16:00:00.000Z', '2025-01-15T18:00:00.000Z', '10.000', '', '2:00:00',
      'fleet', 'BOX-1', '5.000', '5.000', '0.000']);
    expect(formatDuration(3_661_000)).toBe('1:01:01');
  });

  it('writes text a spreadsheet would run (idTags come from stations) as text (issue 14, row 8)', () => {
    const csv = formatSessionCsv([{
      transactionId: 8, stationId: 'CP-1', connectorId: 1, idTag: '=HYPERLINK("x")', chargeType: 'AC', startAt: paris('17:00'), endAt: paris('18:00'),
      socketType: '', comment: '+CMD', boxIdentity: '@BOX', split: { noPeriodWh: 1000, byPeriodWh: {}, totalWh: 1000 },
    }], [], 0);
    const row = (parse(csv) as string[][])[1];
    expect([row[3], row[10], row[11]]).toEqual(["'=HYPERLINK(\"x\")", "'+CMD", "'@BOX"]);
  });
});
