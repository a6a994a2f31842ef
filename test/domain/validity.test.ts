import { describe, expect, it } from 'vitest';
import { addDays, startOfJstDay } from '../../src/domain/calendar';
import { inForceAt, inRenewalWindow, renewalWindow, revokedWithinYearBefore, validThrough } from '../../src/domain/validity';

describe('validity period (Art. 9.1, Civil Code Arts. 140 and 143)', () => {
  it('runs from 2024-04-01 through 2026-04-01: the first day is not counted', () => {
    expect(validThrough('2024-04-01')).toBe('2026-04-01');
  });
  it('runs from 2024-02-29 through 2026-02-28', () => {
    expect(validThrough('2024-02-29')).toBe('2026-02-28');
  });
  it('ends at the last day of the month when the last month has no corresponding day', () => {
    expect(validThrough('2024-02-28')).toBe('2026-02-28'); // reckoned from 2024-02-29; 2026 has no 29 February
    expect(validThrough('2023-12-31')).toBe('2025-12-31');
  });
  it('is in force at 23:59 JST on the last day and not at 00:00 JST the next day', () => {
    expect(inForceAt('2026-04-01', new Date('2026-04-01T23:59:00+09:00'))).toBe(true);
    expect(inForceAt('2026-04-01', new Date('2026-04-01T23:59:59.999+09:00'))).toBe(true);
    expect(inForceAt('2026-04-01', new Date('2026-04-02T00:00:00+09:00'))).toBe(false);
    expect(startOfJstDay('2026-04-02').toISOString()).toBe('2026-04-01T15:00:00.000Z');
  });
});

describe('renewal window (Art. 12.1)', () => {
  const expiry = '2026-04-01';
  it('opens 60 days and closes 30 days before expiry', () => {
    expect(renewalWindow(expiry)).toEqual({ opensOn: '2026-01-31', closesOn: '2026-03-02' });
  });
  it.each([
    [61, false],
    [60, true],
    [30, true],
    [29, false],
  ])('a renewal filed %i days before expiry is inside the window: %s', (days, inside) => {
    expect(inRenewalWindow(expiry, addDays(expiry, -days))).toBe(inside);
  });
});

describe('refusal after revocation (Art. 8)', () => {
  it('counts the application day itself: one year back from 2026-04-10 reaches 2025-04-11', () => {
    expect(revokedWithinYearBefore(new Date('2025-04-11T00:00:00+09:00'), '2026-04-10')).toBe(true);
    expect(revokedWithinYearBefore(new Date('2025-04-10T23:59:59+09:00'), '2026-04-10')).toBe(false);
    expect(revokedWithinYearBefore(new Date('2026-04-10T09:00:00+09:00'), '2026-04-10')).toBe(true);
  });
});
