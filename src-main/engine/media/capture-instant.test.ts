import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { captureInstant, immichDates, photoCaptureInstant, type CaptureFacts } from './capture-instant.ts';
import { readMetadata } from './metadata.ts';

const facts = (over: Partial<CaptureFacts>): CaptureFacts => ({
  date: { local: '2022-08-14T14:12:31', offset: null },
  makerNoteZone: null, offsetTimeOriginal: null, offsetTimeDigitized: null, timeZoneOffsetHours: null,
  gps: null, dateOffsets: [], gpsDateTime: null, ...over,
});
const noGps = () => null;

describe('captureInstant: the rules, one at a time', () => {
  it('no zone anywhere: local time, no instant; Immich then keeps the local time as if UTC', () => {
    const ci = captureInstant(facts({}), noGps)!;
    expect(ci).toEqual({ instant: null, utc: null, localDateTime: '2022-08-14T14:12:31.000', zone: null, source: null });
    expect(immichDates(ci)).toEqual({ fileCreatedAt: '2022-08-14T14:12:31.000Z', localDateTime: '2022-08-14T14:12:31.000Z', timeZone: null });
  });

  it('OffsetTimeOriginal names the zone as Immich does and fixes the instant', () => {
    const ci = captureInstant(facts({ offsetTimeOriginal: '+03:00', date: { local: '2022-08-14T14:12:31', offset: '+03:00' } }), noGps)!;
    expect(ci).toEqual({ instant: '2022-08-14T14:12:31.000+03:00', utc: '2022-08-14T11:12:31.000Z', localDateTime: '2022-08-14T14:12:31.000', zone: 'UTC+3', source: 'offset-tag' });
    expect(captureInstant(facts({ offsetTimeOriginal: '+05:30' }), noGps)!.zone).toBe('UTC+5:30');
    expect(captureInstant(facts({ offsetTimeOriginal: '-09:30' }), noGps)!.utc).toBe('2022-08-14T23:42:31.000Z');
    expect(captureInstant(facts({ offsetTimeOriginal: '+00:00' }), noGps)!.zone).toBe('UTC');
  });

  it('the maker note comes before the OffsetTime tags, then OffsetTimeDigitized, then TimeZoneOffset (hours)', () => {
    expect(captureInstant(facts({ makerNoteZone: 60, offsetTimeOriginal: '+02:00' }), noGps)).toMatchObject({ zone: 'UTC+1', source: 'maker-note' });
    expect(captureInstant(facts({ offsetTimeDigitized: '-04:00' }), noGps)).toMatchObject({ zone: 'UTC-4', utc: '2022-08-14T18:12:31.000Z' });
    expect(captureInstant(facts({ timeZoneOffsetHours: 9 }), noGps)).toMatchObject({ zone: 'UTC+9', source: 'offset-tag' });
  });

  it('an offset no place uses is not a zone (a camera clock set to +01:17)', () => {
    expect(captureInstant(facts({ makerNoteZone: 77 }), noGps)!.zone).toBeNull();
    expect(captureInstant(facts({ offsetTimeOriginal: '-12:00' }), noGps)!.zone).toBeNull();
  });

  it('GPS gives the IANA zone, with its daylight saving on that day, after the zone tags', () => {
    const prague = () => 'Europe/Prague';
    expect(captureInstant(facts({ gps: { latitude: 50.3, longitude: 14.8 }, date: { local: '2018-07-25T16:34:23.935', offset: null } }), prague))
      .toEqual({ instant: '2018-07-25T16:34:23.935+02:00', utc: '2018-07-25T14:34:23.935Z', localDateTime: '2018-07-25T16:34:23.935', zone: 'Europe/Prague', source: 'gps' });
    expect(captureInstant(facts({ gps: { latitude: 50.3, longitude: 14.8 }, date: { local: '2018-01-25T16:34:23', offset: null } }), prague)!.utc).toBe('2018-01-25T15:34:23.000Z');
    expect(captureInstant(facts({ gps: { latitude: 50.3, longitude: 14.8 }, offsetTimeOriginal: '+03:00' }), prague)!.zone).toBe('UTC+3');
  });

  it('a date that carries its own offset keeps its instant; the wall clock follows the zone found', () => {
    // Immich §e E1: a +03:00 date at a Helsinki position shows Europe/Helsinki, same instant.
    const ci = captureInstant(facts({ date: { local: '2022-08-14T14:12:31', offset: '+03:00' }, gps: { latitude: 60.175, longitude: 24.9375 } }), () => 'Europe/Helsinki')!;
    expect(ci).toMatchObject({ utc: '2022-08-14T11:12:31.000Z', localDateTime: '2022-08-14T14:12:31.000', zone: 'Europe/Helsinki' });
  });

  it('an offset inside a capture date is the zone of last resort, except +00:00 which Immich names UTC+0', () => {
    expect(captureInstant(facts({ dateOffsets: ['-05:00'] }), noGps)).toMatchObject({ zone: 'UTC-5', source: 'date-offset', utc: '2022-08-14T19:12:31.000Z' });
    expect(captureInstant(facts({ dateOffsets: ['+00:00'] }), noGps)!.zone).toBeNull();
    expect(captureInstant(facts({ date: { local: '2022-08-14T14:12:31', offset: '+00:00' } }), noGps))
      .toMatchObject({ zone: 'UTC+0', source: 'utc-date', utc: '2022-08-14T14:12:31.000Z' });
  });

  it('the camera clock against GPS time: rounded to a real offset within 30 minutes, else nothing', () => {
    expect(captureInstant(facts({ gpsDateTime: '2022-08-14T11:25:02' }), noGps)).toMatchObject({ zone: 'UTC+3', source: 'gps-clock', utc: '2022-08-14T11:12:31.000Z' });
    expect(captureInstant(facts({ gpsDateTime: '2022-08-14T08:42:31' }), noGps)).toMatchObject({ zone: 'UTC+5:30' });
    // 1 h 50 min apart: +02:00 is 10 minutes away, the nearest real offset.
    expect(captureInstant(facts({ gpsDateTime: '2022-08-14T12:22:31' }), noGps)).toMatchObject({ zone: 'UTC+2' });
    // 7 h 20 min: +07:00 is 20 minutes away (a fix that lagged), +08:00 is 40.
    expect(captureInstant(facts({ gpsDateTime: '2022-08-14T06:52:31' }), noGps)).toMatchObject({ zone: 'UTC+7' });
    expect(captureInstant(facts({ gpsDateTime: '2022-08-14T11:25:02', gps: { latitude: 60.2, longitude: 24.9 } }), () => 'Europe/Helsinki')).toMatchObject({ zone: 'Europe/Helsinki', source: 'gps' });
    // A GPS clock a day off (a stale fix) is not a zone.
    expect(captureInstant(facts({ gpsDateTime: '2022-08-13T14:12:31' }), noGps)!.zone).toBeNull();
  });

  it('no date at all: null (Immich then uses the upload dates)', () => {
    expect(captureInstant(facts({ date: null, offsetTimeOriginal: '+02:00' }), noGps)).toBeNull();
  });

  it('the hour a clock is set back reads as the earlier of the two instants; the skipped hour moves forward', () => {
    const at = (local: string) => captureInstant(facts({ date: { local, offset: null }, gps: { latitude: 50, longitude: 14 } }), () => 'Europe/Prague')!;
    expect(at('2021-10-31T02:30:00')).toMatchObject({ utc: '2021-10-31T00:30:00.000Z', instant: '2021-10-31T02:30:00.000+02:00' });
    expect(at('2021-10-31T03:30:00')).toMatchObject({ utc: '2021-10-31T02:30:00.000Z', instant: '2021-10-31T03:30:00.000+01:00' });
    expect(at('2021-03-28T02:30:00')).toMatchObject({ utc: '2021-03-28T01:30:00.000Z', instant: '2021-03-28T03:30:00.000+02:00' });
  });
});

describe('photoCaptureInstant', () => {
  it('uses the stored resolution, else works from the stored date and position', () => {
    const stored = { instant: null, utc: null, localDateTime: '2020-01-01T10:00:00.000', zone: null, source: null };
    expect(photoCaptureInstant({ captureDate: { local: '2020-01-01T10:00:00', offset: null, source: 'exif' }, captureInstant: stored, gps: null })).toBe(stored);
    // An older library: the Pixel photo's date and position, no stored resolution.
    const old = photoCaptureInstant({ captureDate: { local: '2018-07-25T16:34:23.935', offset: null, source: 'exif' }, captureInstant: null, gps: { latitude: 50.2996, longitude: 14.8203, altitude: 252 } });
    expect(old).toMatchObject({ utc: '2018-07-25T14:34:23.935Z', zone: 'Europe/Prague', source: 'gps' });
    expect(photoCaptureInstant({ captureDate: { local: '2020-01-01T10:00:00', offset: '-03:00', source: 'exif' }, gps: null })).toMatchObject({ utc: '2020-01-01T13:00:00.000Z', zone: 'UTC-3' });
    expect(photoCaptureInstant({ captureDate: null, captureInstant: null, gps: null })).toBeNull();
  });
});

/**
 * Corpus photos -> the capture time Immich v3.1 showed for them (fileCreatedAt / localDateTime /
 * exifInfo.timeZone, uploaded to the real server; see the report of issue 17). One row per rule.
 */
const GOLDEN: Array<[file: string, utc: string | null, local: string, zone: string | null, source: string | null]> = [
  ['jpeg/camera/HMD_Nokia_8.3_5G.jpg', '2022-08-14T11:12:31.000Z', '2022-08-14T14:12:31.000', 'UTC+3', 'offset-tag'],
  ['heic/iphone_IMG_5195.HEIC', '2021-04-11T20:47:53.054Z', '2021-04-11T15:47:53.054', 'UTC-5', 'offset-tag'],
  ['raw/sony_zv-e10_first100KB.arw', '2021-07-24T21:23:06.583Z', '2021-07-24T14:23:06.583', 'UTC-7', 'offset-tag'],
  ['jpeg/camera/exifr-canon-dslr.jpg', '2019-10-26T16:07:24.540Z', '2019-10-26T16:07:24.540', 'UTC', 'maker-note'],
  ['content/near-dup/canon_hdr_NO.jpg', '2015-02-09T21:47:44.000Z', '2015-02-09T22:47:44.000', 'UTC+1', 'maker-note'],
  ['raw/Canon-R6-pruned.CR3', '2021-05-12T10:21:21.920Z', '2021-05-12T12:21:21.920', 'UTC+2', 'maker-note'],
  ['raw/canon_cr3_first128KB.cr3', '2019-12-05T05:32:49.540Z', '2019-12-05T13:32:49.540', 'UTC+8', 'maker-note'],
  ['jpeg/camera/exifr-IMG_20180725_163423.jpg', '2018-07-25T14:34:23.935Z', '2018-07-25T16:34:23.935', 'Europe/Prague', 'gps'],
  ['jpeg/camera/Apple_iPhone_4.jpg', '2011-01-13T13:33:39.000Z', '2011-01-13T14:33:39.000', 'Europe/Rome', 'gps'],
  ['jpeg/camera/Olympus_FE230-X790.jpg', '2008-12-07T18:28:52.000Z', '2008-12-07T10:28:52.000', 'America/Vancouver', 'gps'],
  ['jpeg/camera/Apple_iPhone_6_plus.jpg', '2014-10-31T13:32:37.539Z', '2014-10-31T13:32:37.539', 'Europe/London', 'gps'],
  ['jpeg/camera/Nokia_Lumia_800.jpg', '2012-06-09T20:23:38.000Z', '2012-06-09T21:23:38.000', 'Europe/Dublin', 'gps'],
  ['jpeg/camera/Oppo_R7_Plus.jpg', '2018-07-16T15:52:22.000Z', '2018-07-16T17:52:22.000', 'Europe/Oslo', 'gps'],
  ['jpeg/camera/Samsung_SM-G935L_Galaxy_S7_Edge.jpg', '2017-02-09T18:51:38.088Z', '2017-02-09T19:51:38.088', 'Europe/Paris', 'gps'],
  ['jpeg/camera/Nikon_D1X.jpg', '2003-08-06T23:04:34.610Z', '2003-08-06T18:04:34.610', 'UTC-5', 'date-offset'],
  ['jpeg/camera/Nikon_D5000.jpg', '2011-03-12T14:36:11.000Z', '2011-03-12T15:36:11.000', 'UTC+1', 'date-offset'],
  ['jpeg/camera/Multiple_ICC_segments.jpg', '2014-12-18T19:36:40.000Z', '2014-12-18T17:36:40.000', 'UTC-2', 'date-offset'],
  // An XMP CreateDate with +01:00 hides behind EXIF's CreateDate of the same name: no zone.
  ['jpeg/camera/Canon_EOS_7D.jpg', null, '2010-12-12T12:41:35.000', null, null],
  ['jpeg/camera/Nikon_D70.jpg', null, '2004-11-21T21:29:12.200', null, null],
  // GPS 0,0 is "no fix".
  ['jpeg/camera/Samsung_GT-I9000_Galaxy_S.jpg', null, '2011-04-02T18:30:10.000', null, null],
];

describe.skipIf(!hasCorpus)('captureInstant: corpus photos land where Immich v3.1 puts them', () => {
  for (const [file, utc, local, zone, source] of GOLDEN) {
    it(file, async () => {
      const { captureInstant: ci } = await readMetadata(corpusPath(file));
      expect(ci).toMatchObject({ utc, localDateTime: local, zone, source });
    });
  }

  it('a photo without any date has no capture instant', async () => {
    expect((await readMetadata(corpusPath('jpeg/camera/Android_Depth_Map.jpg'))).captureInstant).toBeNull();
  });
});
