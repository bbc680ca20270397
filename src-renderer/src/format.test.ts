import { describe, expect, it } from 'vitest';
import { duplicateBadge, formatCaptureDate, formatCaptureTime, formatExposure, formatGps } from './format.ts';
import { gridMetrics } from './library/VirtualGrid.tsx';

describe('EXIF formatting', () => {
  it('prints exposure times the way cameras do', () => {
    expect(formatExposure(1 / 250)).toBe('1/250 s');
    expect(formatExposure(0.0333)).toBe('1/30 s');
    expect(formatExposure(2.5)).toBe('2.5 s');
    expect(formatExposure(null)).toBeNull();
    expect(formatExposure(0)).toBeNull();
  });

  it('shows the camera clock with its zone only when the file recorded one', () => {
    expect(formatCaptureDate({ local: '2024-05-01T09:30:12.250', offset: '+02:00', source: 'exif' })).toBe('2024-05-01 09:30:12 (UTC+02:00)');
    expect(formatCaptureDate({ local: '2024-05-01T09:30:12', offset: null, source: 'file' })).toBe('2024-05-01 09:30:12 · file date, no EXIF date');
  });

  it('shows the resolved capture time with its zone and where the zone came from', () => {
    const date = { local: '2018-07-25T16:34:23.935', offset: null, source: 'exif' as const };
    expect(formatCaptureTime(date, { instant: '2018-07-25T16:34:23.935+02:00', utc: '2018-07-25T14:34:23.935Z', localDateTime: '2018-07-25T16:34:23.935', zone: 'Europe/Prague', source: 'gps' }))
      .toBe('2018-07-25 16:34:23 · Europe/Prague (UTC+02:00), from the GPS position');
    expect(formatCaptureTime(date, { instant: '2015-02-09T22:47:44.000+01:00', utc: '2015-02-09T21:47:44.000Z', localDateTime: '2015-02-09T22:47:44.000', zone: 'UTC+1', source: 'maker-note' }))
      .toBe("2015-02-09 22:47:44 · UTC+01:00, from the camera's time-zone setting");
    expect(formatCaptureTime(date, { instant: null, utc: null, localDateTime: '2018-07-25T16:34:23.935', zone: null, source: null })).toBe('2018-07-25 16:34:23 · no time zone recorded');
    // Read before zones were resolved: the camera clock as the file has it.
    expect(formatCaptureTime(date, null)).toBe('2018-07-25 16:34:23');
  });

  it('prints GPS with hemispheres', () => {
    expect(formatGps({ latitude: -33.856784, longitude: 151.215297, altitude: 12.4 })).toBe('33.85678° S, 151.21530° E, 12 m');
    expect(formatGps({ latitude: 48.1, longitude: -1.5, altitude: null })).toBe('48.10000° N, 1.50000° W');
  });
});

describe('duplicate badge', () => {
  it('says how many more times the bytes were dropped, and nothing for none', () => {
    expect(duplicateBadge(0)).toBeNull();
    expect(duplicateBadge(1)).toEqual({ text: 'Duplicate ×1', label: 'Dropped 1 more time; the copy was skipped' });
    expect(duplicateBadge(2)).toEqual({ text: 'Duplicate ×2', label: 'Dropped 2 more times; the copies were skipped' });
  });
});

describe('grid metrics', () => {
  it('fits as many tiles of at least 168 px as the width allows, in fixed-height rows', () => {
    const wide = gridMetrics(1440);
    expect(wide.columns).toBe(8);
    expect(wide.tile).toBeGreaterThanOrEqual(168);
    expect(wide.columns * wide.tile + (wide.columns - 1) * 8).toBeLessThanOrEqual(1440 - 24);
    expect(wide.rowHeight).toBe(wide.tile + 30 + 8);
    expect(gridMetrics(100).columns).toBe(1);
  });
});
