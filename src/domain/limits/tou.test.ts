import { describe, expect, it } from 'vitest';
import { activeTouPeriod, isSlotActive, localTime, validateTouConfig, type TouConfig, type TouPeriod } from './tou.js';

const period = (name: string, pct: number, from: [number, number], to: [number, number], extra: Partial<TouPeriod> = {}): TouPeriod => ({
  name, pct, enabled: true, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  slots: [{ startHour: from[0], startMinute: from[1], endHour: to[0], endMinute: to[1] }], ...extra,
});

describe('localTime (M1)', () => {
  it('follows the time zone, daylight saving included', () => {
    // Monday 6 January 2025, 09:30 UTC = 10:30 in Paris (UTC+1).
    expect(localTime(Date.parse('2025-01-06T09:30:00Z'), 'Europe/Paris')).toEqual({ weekday: 0, minuteOfDay: 10 * 60 + 30 });
    // Monday 7 July 2025, 09:30 UTC = 11:30 in Paris (UTC+2).
    expect(localTime(Date.parse('2025-07-07T09:30:00Z'), 'Europe/Paris')).toEqual({ weekday: 0, minuteOfDay: 11 * 60 + 30 });
    // Sunday 23:30 UTC is already Monday 00:30 in Paris.
    expect(localTime(Date.parse('2025-01-05T23:30:00Z'), 'Europe/Paris')).toEqual({ weekday: 0, minuteOfDay: 30 });
  });
});

describe('timeslots (M1)', () => {
  const night = { startHour: 22, startMinute: 0, endHour: 6, endMinute: 0 };
  it('a slot across midnight belongs to the day it starts on', () => {
    expect(isSlotActive(night, ['fri'], { weekday: 4, minuteOfDay: 23 * 60 })).toBe(true); // Fri 23:00
    expect(isSlotActive(night, ['fri'], { weekday: 5, minuteOfDay: 2 * 60 })).toBe(true); // Sat 02:00
    expect(isSlotActive(night, ['fri'], { weekday: 4, minuteOfDay: 2 * 60 })).toBe(false); // Fri 02:00: started Thursday
    expect(isSlotActive(night, ['fri'], { weekday: 5, minuteOfDay: 6 * 60 })).toBe(false); // end is exclusive
  });

  it('start = end is a whole day', () => {
    const allDay = { startHour: 0, startMinute: 0, endHour: 0, endMinute: 0 };
    expect(isSlotActive(allDay, ['sat'], { weekday: 5, minuteOfDay: 0 })).toBe(true);
    expect(isSlotActive(allDay, ['sat'], { weekday: 5, minuteOfDay: 1439 })).toBe(true);
    expect(isSlotActive(allDay, ['sat'], { weekday: 6, minuteOfDay: 0 })).toBe(false);
  });
});

describe('activeTouPeriod (M1)', () => {
  const config: TouConfig = {
    enabled: true, timeZone: 'UTC',
    periods: [period('Day', 80, [7, 0], [22, 0]), period('Peak', 70, [18, 0], [20, 0]), period('Off', 10, [0, 0], [0, 0], { enabled: false })],
    zonePeriods: { Garage: ['Day'] },
  };
  const at = (hour: number) => ({ weekday: 0, minuteOfDay: hour * 60 });

  it('the lowest percentage of the active periods wins; disabled periods never apply', () => {
    expect(activeTouPeriod(config, 'Main', at(10))).toEqual({ name: 'Day', pct: 80 });
    expect(activeTouPeriod(config, 'Main', at(19))).toEqual({ name: 'Peak', pct: 70 });
    expect(activeTouPeriod(config, 'Main', at(3))).toBeNull();
  });

  it('the zone matrix limits the periods of a zone', () => {
    expect(activeTouPeriod(config, 'Garage', at(19))).toEqual({ name: 'Day', pct: 80 });
  });

  it('TOU switched off as a whole applies nothing', () => {
    expect(activeTouPeriod({ ...config, enabled: false }, 'Main', at(10))).toBeNull();
  });
});

describe('validateTouConfig (M1)', () => {
  it('accepts a valid configuration', () => {
    expect(validateTouConfig({ enabled: true, timeZone: 'Europe/Paris', periods: [period('Day', 80, [7, 0], [22, 0])] }, ['Main'])).toEqual([]);
  });

  it('names each broken rule', () => {
    const many = Array.from({ length: 6 }, (_, i) => period(`P${i}`, 50, [1, 0], [2, 0]));
    const rules = validateTouConfig({
      enabled: true, timeZone: 'Mars/Olympus',
      periods: [
        ...many,
        period('P0', 120, [24, 0], [2, 60], { weekdays: [] }),
        { ...period('Wide', 50, [1, 0], [2, 0]), slots: Array.from({ length: 15 }, () => ({ startHour: 1, startMinute: 0, endHour: 2, endMinute: 0 })) },
      ],
      zonePeriods: { Nowhere: ['Ghost'] },
    }, ['Main']).map((e) => e.rule);
    expect(rules).toEqual(expect.arrayContaining([
      'time-zone', 'too-many-periods', 'too-many-slots', 'period-name', 'pct-range', 'weekdays', 'slot-time', 'matrix-zone', 'matrix-period',
    ]));
  });
});
