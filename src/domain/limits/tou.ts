// Time-of-use periods (M1). Local time comes from Intl, which is pure: the instant is an argument.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** From start (inclusive) to end (exclusive), local time. end <= start crosses midnight; end = start is 24 h. */
export interface TouSlot {
  startHour: number;
  startMinute: number;
  endHour: number;
  endMinute: number;
}

export interface TouPeriod {
  name: string;
  enabled: boolean;
  /** Percentage of each zone's maxCurrentA, 0–100. */
  pct: number;
  weekdays: readonly Weekday[];
  slots: readonly TouSlot[];
}

export interface TouConfig {
  /** TOU as a whole. */
  enabled: boolean;
  /** IANA time zone of the site, e.g. "Europe/Paris". */
  timeZone: string;
  periods: readonly TouPeriod[];
  /** Zone × period matrix: a zone listed here gets only these periods; a zone not listed gets all. */
  zonePeriods?: Readonly<Record<string, readonly string[]>>;
}

export const MAX_TOU_PERIODS = 5;
export const MAX_TOU_SLOTS = 20;

export interface LocalTime {
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  minuteOfDay: number;
}

const SHORT_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function localTime(at: number, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
  }).formatToParts(at);
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of parts) {
    if (part.type === 'weekday') weekday = SHORT_DAYS.indexOf(part.value);
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minuteOfDay: hour * 60 + minute };
}

/** The part of a slot after midnight belongs to the day the slot started on. */
export function isSlotActive(slot: TouSlot, weekdays: readonly Weekday[], local: LocalTime): boolean {
  const start = slot.startHour * 60 + slot.startMinute;
  const end = slot.endHour * 60 + slot.endMinute;
  const t = local.minuteOfDay;
  const today = weekdays.includes(WEEKDAYS[local.weekday]);
  if (start < end) return today && t >= start && t < end;
  const yesterday = weekdays.includes(WEEKDAYS[(local.weekday + 6) % 7]);
  return (today && t >= start) || (yesterday && t < end);
}

export function isPeriodActive(period: TouPeriod, local: LocalTime): boolean {
  return period.enabled && period.slots.some((slot) => isSlotActive(slot, period.weekdays, local));
}

export function periodAppliesToZone(config: TouConfig, period: string, zone: string): boolean {
  const listed = config.zonePeriods?.[zone];
  return listed === undefined || listed.includes(period);
}

export interface ActivePeriod {
  name: string;
  pct: number;
}

/** The active period with the lowest percentage for this zone, or null (M1). */
export function activeTouPeriod(config: TouConfig | null | undefined, zone: string, local: LocalTime | null): ActivePeriod | null {
  if (!config || !config.enabled || !local) return null;
  let best: ActivePeriod | null = null;
  for (const period of config.periods) {
    if (!periodAppliesToZone(config, period.name, zone) || !isPeriodActive(period, local)) continue;
    if (best === null || period.pct < best.pct) best = { name: period.name, pct: period.pct };
  }
  return best;
}

export type TouRule =
  | 'too-many-periods' | 'too-many-slots' | 'period-name' | 'pct-range' | 'weekdays'
  | 'slot-time' | 'time-zone' | 'matrix-period' | 'matrix-zone';

export interface TouConfigError {
  rule: TouRule;
  /** The period (or zone, for matrix rules) at fault. */
  subject: string;
  message: string;
}

const isInt = (value: number, lo: number, hi: number): boolean => Number.isInteger(value) && value >= lo && value <= hi;

/** Every M1 rule the configuration breaks; empty when valid. Pass zone names to check the matrix. */
export function validateTouConfig(config: TouConfig, zoneNames?: readonly string[]): TouConfigError[] {
  const errors: TouConfigError[] = [];
  const err = (rule: TouRule, subject: string, message: string): void => { errors.push({ rule, subject, message }); };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone });
  } catch {
    err('time-zone', config.timeZone, `unknown time zone "${config.timeZone}"`);
  }
  if (config.periods.length > MAX_TOU_PERIODS) err('too-many-periods', '', `at most ${MAX_TOU_PERIODS} periods, got ${config.periods.length}`);
  const slots = config.periods.reduce((sum, p) => sum + p.slots.length, 0);
  if (slots > MAX_TOU_SLOTS) err('too-many-slots', '', `at most ${MAX_TOU_SLOTS} timeslots over all periods, got ${slots}`);
  const names = new Set<string>();
  for (const period of config.periods) {
    const name = period.name;
    if (name.trim() === '' || names.has(name)) err('period-name', name, `period name "${name}" must be non-empty and unique`);
    names.add(name);
    if (!(period.pct >= 0 && period.pct <= 100)) err('pct-range', name, `period "${name}": percentage ${period.pct} must be 0–100`);
    if (period.weekdays.length === 0 || period.weekdays.some((d) => !WEEKDAYS.includes(d))) {
      err('weekdays', name, `period "${name}" needs at least one weekday among ${WEEKDAYS.join(', ')}`);
    }
    period.slots.forEach((slot, i) => {
      if (!isInt(slot.startHour, 0, 23) || !isInt(slot.endHour, 0, 23) || !isInt(slot.startMinute, 0, 59) || !isInt(slot.endMinute, 0, 59)) {
        err('slot-time', name, `period "${name}" slot ${i + 1}: hours must be 0–23 and minutes 0–59`);
      }
    });
  }
  for (const [zone, periods] of Object.entries(config.zonePeriods ?? {})) {
    if (zoneNames && !zoneNames.includes(zone)) err('matrix-zone', zone, `TOU matrix names unknown zone "${zone}"`);
    for (const p of periods) if (!names.has(p)) err('matrix-period', zone, `TOU matrix for zone "${zone}" names unknown period "${p}"`);
  }
  return errors;
}
