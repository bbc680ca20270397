import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { readMetadata } from './metadata.ts';
import { parseDate, xmpCoordinate } from './metadata-values.ts';

describe('date and coordinate parsing', () => {
  it('keeps EXIF and XMP dates as wall-clock time', () => {
    expect(parseDate('2018:07:25 16:34:23', '935')).toEqual({ local: '2018-07-25T16:34:23.935', offset: null });
    expect(parseDate('2015-06-11T10:29:26.69')).toEqual({ local: '2015-06-11T10:29:26.690', offset: null });
    expect(parseDate('2015-07-24T22:45:50+02:00')).toEqual({ local: '2015-07-24T22:45:50', offset: '+02:00' });
    expect(parseDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseDate('    :  :     :  :  ')).toBeNull();
  });

  it('reads XMP GPS strings', () => {
    expect(xmpCoordinate('37,52.2656N')).toBeCloseTo(37.871093, 5);
    expect(xmpCoordinate('122,15.4068W')).toBeCloseTo(-122.25678, 5);
  });
});

describe.skipIf(!hasCorpus)('readMetadata on the corpus', () => {
  it('Pixel JPEG: date without zone, GPS, exposure', async () => {
    const m = await readMetadata(corpusPath('jpeg/camera/exifr-IMG_20180725_163423.jpg'));
    expect(m.captureDate).toEqual({ local: '2018-07-25T16:34:23.935', offset: null, source: 'exif' });
    expect(m.gps?.latitude).toBeCloseTo(50.2996028, 6);
    expect(m.gps?.longitude).toBeCloseTo(14.8202944, 6);
    expect(m.gps?.altitude).toBe(252);
    expect(m.metadata).toMatchObject({ make: 'Google', model: 'Pixel', iso: 50, fNumber: 2, focalLength: 4.67, iccProfile: 'sRGB IEC61966-2.1' });
    expect(m.metadata.exposureTime).toBeCloseTo(0.000376, 6);
  });

  it('iPhone HEIC: OffsetTimeOriginal is kept, ICC is Display P3', async () => {
    const m = await readMetadata(corpusPath('heic/iphone_13_pro_max.HEIC'));
    expect(m.captureDate).toEqual({ local: '2022-02-16T12:55:41.762', offset: '+01:00', source: 'exif' });
    expect(m.metadata).toMatchObject({ make: 'Apple', model: 'iPhone 13 Pro Max', lens: 'iPhone 13 Pro Max back triple camera 5.7mm f/1.5', iso: 250, iccProfile: 'Display P3' });
    expect(m.orientation).toBe(6);
  });

  it('HEIC with EXIF at the end of the file: negative offset and GPS', async () => {
    const m = await readMetadata(corpusPath('heic/exif-at-eof.heic'));
    expect(m.captureDate).toEqual({ local: '2020-05-04T18:39:11.644', offset: '-04:00', source: 'exif' });
    expect(m.gps?.latitude).toBeCloseTo(47.2071241, 6);
    expect(m.gps?.longitude).toBeCloseTo(106.2431051, 6);
  });

  it('iPhone 5 JPEG: western longitude is negative', async () => {
    const m = await readMetadata(corpusPath('jpeg/camera/Apple_iPhone_5.jpg'));
    expect(m.captureDate?.local).toBe('2012-09-29T16:11:25');
    expect(m.gps?.latitude).toBeCloseTo(47.6271667, 6);
    expect(m.gps?.longitude).toBeCloseTo(-122.3373333, 6);
    expect(m.orientation).toBe(3);
  });

  it('PNG eXIf, WebP EXIF and AVIF EXIF', async () => {
    const png = await readMetadata(corpusPath('other/png/png_with_exif_and_gps.png'));
    expect(png.gps?.latitude).toBeCloseTo(50.2996028, 6);
    expect(png.metadata.model).toBe('Canon PowerShot S40');
    const webp = await readMetadata(corpusPath('other/webp/HTC_Desire.webp'));
    expect(webp.captureDate?.local).toBe('2011-05-06T09:59:48');
    expect(webp.gps?.latitude).toBeCloseTo(45.5006667, 6);
    expect(webp.metadata).toMatchObject({ make: 'HTC', iccProfile: 'sRGB IEC61966-2.1' });
    expect(webp.warnings).toEqual([]);
    const avif = await readMetadata(corpusPath('other/avif/avif-orientation-6.avif'));
    expect(avif.metadata).toMatchObject({ model: 'iPhone XS', iccProfile: 'Display P3' });
    expect(avif.gps?.latitude).toBeCloseTo(50.43975, 5);
  });

  it('CR3 (which exifr cannot read) through its CMT boxes', async () => {
    const m = await readMetadata(corpusPath('raw/Canon-R6-pruned.CR3'));
    expect(m.captureDate).toEqual({ local: '2021-05-12T12:21:21.920', offset: '+02:00', source: 'exif' });
    expect(m.metadata).toMatchObject({ make: 'Canon', model: 'Canon EOS R6', lens: 'RF70-200mm F2.8 L IS USM', iso: 100, focalLength: 200 });
  });

  it('embedded XMP of IMG_5910: rating, title, keywords', async () => {
    const m = await readMetadata(corpusPath('jpeg/xmp/IMG_5910.jpg'));
    expect(m.metadata).toMatchObject({ rating: 3, title: 'Squirrel at berkely', description: 'Squirrel at berkely', keywords: ['Alvin the Squirrel', 'Berkley', 'USA'] });
    expect(m.gps?.longitude).toBeCloseTo(-122.25678, 5);
  });

  it('never throws on EXIF that crashed exifr; flags what it skipped', async () => {
    const m = await readMetadata(corpusPath('bad/corrupt-exif-ifd0.jpg'));
    expect(m.warnings.map((w) => w.code)).toEqual(['metadata-unreadable']);
    const broken = await readMetadata(corpusPath('bad/exifr-broken1.jpg'));
    expect(broken.metadata.model).toBe('Canon EOS 30D');
  });

  describe('sidecars', () => {
    let dir = '';
    beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-xmp-')); });
    afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

    it('a sidecar (any case, name.ext.xmp too) overrides embedded XMP', async () => {
      const photo = path.join(dir, 'IMG_5910.jpg');
      await copyFile(corpusPath('jpeg/xmp/IMG_5910.jpg'), photo);
      const original = await readFile(corpusPath('jpeg/xmp/IMG_5910.xmp'), 'utf8');
      const edited = original
        .replace(/xmp:Rating="3"|<xmp:Rating>3<\/xmp:Rating>/, (m) => m.replace('3', '5'))
        .replaceAll('Squirrel at berkely', 'Squirrel in Berkeley');
      expect(edited).not.toBe(original);
      await writeFile(path.join(dir, 'IMG_5910.JPG.XMP'), edited);
      const m = await readMetadata(photo);
      expect(m.metadata.rating).toBe(5);
      expect(m.metadata.title).toBe('Squirrel in Berkeley');
      expect(m.metadata.keywords).toEqual(['Alvin the Squirrel', 'Berkley', 'USA']);
      // EXIF still wins for the date; the sidecar only fills what EXIF lacks.
      expect(m.captureDate?.source).toBe('exif');
    });

    it('takes the capture date from the sidecar when the file has none', async () => {
      const photo = path.join(dir, 'nodate.png');
      await copyFile(corpusPath('content/skimage/coffee.png'), photo);
      await writeFile(path.join(dir, 'nodate.xmp'), `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    photoshop:DateCreated="2019-03-04T05:06:07.5+05:30" xmp:Rating="4"/></rdf:RDF></x:xmpmeta>`);
      const m = await readMetadata(photo);
      expect(m.captureDate).toEqual({ local: '2019-03-04T05:06:07.500', offset: '+05:30', source: 'sidecar' });
      expect(m.metadata.rating).toBe(4);
    });
  });
});
