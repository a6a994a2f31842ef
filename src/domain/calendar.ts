/**
 * Calendar days in Asia/Tokyo. Japan has no daylight saving time: JST is UTC+9 all year, so the day of an
 * instant is its UTC day after adding nine hours. Dates are 'YYYY-MM-DD' strings.
 */
export type CalendarDate = string;

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

function parts(d: CalendarDate): [number, number, number] {
  const m = DATE_RE.exec(d);
  if (!m) throw new TypeError(`not a calendar date: ${d}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The calendar the code computes in: years 0000 to 9999. Arithmetic past either end stays at it, so that a
 * stored far date can never make a computation throw (the status fold must be total). Dates people enter are
 * bounded much more tightly (ENTERED_DATES).
 */
export const CALENDAR_BOUNDS = { min: '0000-01-01', max: '9999-12-31' } as const;
const CALENDAR_MIN_MS = new Date('0000-01-01T00:00:00Z').getTime();
const CALENDAR_MAX_MS = new Date('9999-12-31T00:00:00Z').getTime();

/** Dates staff may enter at all (the rules' own dates fall well inside; anything else is a typing error). */
export const ENTERED_DATES = { min: '2000-01-01', max: '2199-12-31' } as const;

export function isEnteredDate(s: string): boolean {
  return isCalendarDate(s) && s >= ENTERED_DATES.min && s <= ENTERED_DATES.max;
}

function fromUtcMidnight(ms: number): CalendarDate {
  if (!(ms >= CALENDAR_MIN_MS)) return CALENDAR_BOUNDS.min;
  if (ms > CALENDAR_MAX_MS) return CALENDAR_BOUNDS.max;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Asia/Tokyo calendar day of an instant. */
export function jstDate(instant: Date): CalendarDate {
  return fromUtcMidnight(instant.getTime() + JST_OFFSET_MS);
}

/**
 * Whether an instant falls on or before a JST calendar day. A string comparison of two 'YYYY-MM-DD' dates: total,
 * whatever the stored day says.
 */
export function onOrBefore(instant: Date, d: CalendarDate): boolean {
  return jstDate(instant) <= d;
}

/** The instant at which a JST calendar day begins (00:00 JST). */
export function startOfJstDay(d: CalendarDate): Date {
  const [y, m, day] = parts(d);
  return new Date(Date.UTC(y, m - 1, day) - JST_OFFSET_MS);
}

export function addDays(d: CalendarDate, n: number): CalendarDate {
  const [y, m, day] = parts(d);
  return fromUtcMidnight(Date.UTC(y, m - 1, day) + n * DAY_MS);
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((startOfJstDay(to).getTime() - startOfJstDay(from).getTime()) / DAY_MS);
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The last day of a period of `years` years reckoned from `reckoningDay` (Civil Code Art. 143): the period ends
 * at the end of the day before the day corresponding to the reckoning day in the last year; where the last
 * month has no corresponding day, at the end of that month (Art. 143(2) proviso).
 */
export function endOfYearsFrom(reckoningDay: CalendarDate, years: number): CalendarDate {
  const [y, m, day] = parts(reckoningDay);
  const ty = y + years;
  if (day > daysInMonth(ty, m)) return `${ty}-${String(m).padStart(2, '0')}-${String(daysInMonth(ty, m)).padStart(2, '0')}`;
  return addDays(`${ty}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`, -1);
}

/** The first day of a period of `years` years counted back from `reckoningDay`, the reckoning day included. */
export function startOfYearsBefore(reckoningDay: CalendarDate, years: number): CalendarDate {
  const [y, m, day] = parts(reckoningDay);
  const ty = y - years;
  const d = Math.min(day, daysInMonth(ty, m));
  return addDays(`${ty}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, 1);
}
