import { addDays, endOfYearsFrom, jstDate, onOrBefore, startOfYearsBefore, type CalendarDate } from './calendar';

/** Art. 9.1: a certification is valid for two years from the day it was made. */
export const VALIDITY_YEARS = 2;

/**
 * Civil Code Art. 140: the first day of a period is not counted. Should the body decide that Art. 9 counts the
 * day of certification too, this is the one change to make.
 */
export const ART9_COUNTS_FIRST_DAY = false;

/** Art. 9.1 with Civil Code Arts. 140 and 143: the last day (JST) on which the certification is valid. */
export function validThrough(certifiedOn: CalendarDate): CalendarDate {
  const reckoningDay = ART9_COUNTS_FIRST_DAY ? certifiedOn : addDays(certifiedOn, 1);
  return endOfYearsFrom(reckoningDay, VALIDITY_YEARS);
}

/** True while `instant` falls on or before the last valid day, in Asia/Tokyo. */
export function inForceAt(lastDay: CalendarDate, instant: Date): boolean {
  return onOrBefore(instant, lastDay);
}

/**
 * Art. 12.2 keeps a certification in force "while the renewal is decided"; the rules name no limit, so certmark
 * sets one: an extension runs at most this many years past the valid-through date (a longer one is a typing
 * error, or a decision the committee should be asked about).
 */
export const MAX_EXTENSION_YEARS = 1;

/** The last day an Art. 12.2 extension may run to. */
export function latestExtension(validThrough: CalendarDate): CalendarDate {
  return endOfYearsFrom(addDays(validThrough, 1), MAX_EXTENSION_YEARS);
}

/** Art. 12.1: a renewal may be filed from 60 days to 30 days before expiry, both days included. */
export const RENEWAL_WINDOW_OPENS_DAYS_BEFORE = 60;
export const RENEWAL_WINDOW_CLOSES_DAYS_BEFORE = 30;

export function renewalWindow(lastDay: CalendarDate): { opensOn: CalendarDate; closesOn: CalendarDate } {
  return {
    opensOn: addDays(lastDay, -RENEWAL_WINDOW_OPENS_DAYS_BEFORE),
    closesOn: addDays(lastDay, -RENEWAL_WINDOW_CLOSES_DAYS_BEFORE),
  };
}

export function inRenewalWindow(lastDay: CalendarDate, filedOn: CalendarDate): boolean {
  const { opensOn, closesOn } = renewalWindow(lastDay);
  return filedOn >= opensOn && filedOn <= closesOn;
}

/**
 * Art. 8: "within one year before, the application date being the reckoning day". Unlike Art. 9 the reckoning
 * day itself counts, so an application on 2026-04-10 looks back to 2025-04-11 inclusive.
 */
export function revokedWithinYearBefore(revokedAt: Date, appliedOn: CalendarDate): boolean {
  const revokedOn = jstDate(revokedAt);
  return revokedOn >= startOfYearsBefore(appliedOn, 1) && revokedOn <= appliedOn;
}
