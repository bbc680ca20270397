import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportMetadata, Photo, Recipe } from '../../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import { exiftoolPath, exiftoolTags, hasExiftool } from '../../../../test-support/exiftool.ts';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { libraryLayout, type LibraryLayout } from '../../library/library-layout.ts';
import { readMetadata } from '../../media/metadata.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import type { OutputFormat } from '../../recipes/op-module.ts';
import { renderToLibrary, sidecarPath, type ExportSettings } from '../render-to-library.ts';

/**
 * Every output format, read back with exiftool (the reader Immich uses): what the original said,
 * what the photographer changed in Lightbox, and what the render itself changed.
 */

type Original = Photo & { sha256: string; originalPath: string };
const FORMATS: OutputFormat[] = ['jpeg', 'tiff', 'webp', 'avif', 'png'];
const NONE: ExportSettings = { folderChoice: null, override: null, defaults: { creator: null, copyright: null } };

const recipe = (sha: string, format: OutputFormat, metadata: 'folder' | ExportMetadata = 'folder'): Recipe => {
  const steps = [
    newStep('crop', { x: 0.1, y: 0.05, w: 0.7, h: 0.8, angle: 0 }),
    newStep('resize', { mode: 'long-edge', longEdge: 640 }),
    newStep('output', { format, quality: 80, colourSpace: format === 'tiff' ? 'display-p3' : 'srgb', metadata }),
  ];
  return { ...newRecipe(sha), steps, end: steps.length };
};

/** Tags from exiftool, numbers as numbers (-n). */
const tagsOf = (file: string) => exiftoolTags(file, ['-n']);

describe.skipIf(!hasCorpus || !hasExiftool)('processed files keep the photo\'s metadata', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let layout: LibraryLayout;
  let photo: Original;
  let bare: Original;
  /** The original as exiftool reads it, for the values that must come through unchanged. */
  let orig: Record<string, unknown>;

  beforeAll(async () => {
    dir = await tempDir('lightbox-embed-');
    layout = libraryLayout(dir.path);
    await mkdir(layout.absolute('originals/2012/09'), { recursive: true });
    // An iPhone 5 photo (GPS, orientation 3, an EXIF thumbnail) given what a photographer's tools write.
    const rel = 'originals/2012/09/iphone5.jpg';
    await copyFile(corpusPath('jpeg/camera/Apple_iPhone_5.jpg'), layout.absolute(rel));
    execFileSync(exiftoolPath!, [
      '-q', '-overwrite_original',
      '-XMP-dc:Title=Market at dusk', '-XMP-dc:Description=Market lights', '-XMP-dc:Subject=market', '-XMP-dc:Subject=Seattle', '-XMP-dc:Subject=neon',
      '-XMP-lr:HierarchicalSubject=Places|USA|Seattle', '-XMP-lr:HierarchicalSubject=Things|neon', '-XMP-xmp:Rating=2', '-XMP-xmp:Label=Green',
      '-XMP-dc:Creator=Zoë Müller', '-XMP-dc:Rights=© 2012 Zoë Müller', '-XMP-xmpRights:UsageTerms=Editorial use only',
      '-XMP-photoshop:City=Seattle', '-XMP-photoshop:Country=United States', '-XMP-iptcCore:CountryCode=US', '-XMP-iptcCore:Location=Pike Place Market',
      layout.absolute(rel),
    ]);
    const bytes = await readFile(layout.absolute(rel));
    orig = tagsOf(layout.absolute(rel));
    const read = await readMetadata(layout.absolute(rel));
    photo = {
      id: 1, folderId: null, sha256: createHash('sha256').update(bytes).digest('hex'), sha1: null, fileName: 'IMG_0001.JPG', sourcePath: '/in/IMG_0001.JPG',
      originalPath: rel, bytes: bytes.length, format: 'jpeg', width: 3264, height: 2448, orientation: read.orientation, captureDate: read.captureDate,
      captureInstant: read.captureInstant, gps: read.gps, stage: 'approved', error: null, warnings: [], duplicates: 0, mediaRev: 0,
      // Edited in Lightbox: stars, a pick, one keyword swapped, a new caption.
      rating: 4, flag: 'pick',
      metadata: { ...read.metadata, keywords: ['market', 'Seattle', 'dusk'], description: 'Neon over the market, just before closing' },
      createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z',
    };
    // A camera file that names no creator and no copyright (for the library defaults).
    const bareRel = 'originals/2012/09/d70.jpg';
    await copyFile(corpusPath('jpeg/camera/Nikon_D70.jpg'), layout.absolute(bareRel));
    execFileSync(exiftoolPath!, ['-q', '-overwrite_original', '-IPTC:all=', '-EXIF:Artist=', '-EXIF:Copyright=', layout.absolute(bareRel)]);
    const bareBytes = await readFile(layout.absolute(bareRel));
    const bareRead = await readMetadata(layout.absolute(bareRel));
    bare = { ...photo, id: 2, sha256: createHash('sha256').update(bareBytes).digest('hex'), fileName: 'DSC_0001.JPG', originalPath: bareRel, rating: 0, flag: null,
      metadata: bareRead.metadata, captureDate: bareRead.captureDate, captureInstant: bareRead.captureInstant, gps: bareRead.gps };
  }, 60_000);
  afterAll(() => dir?.cleanup());

  for (const format of FORMATS) {
    it(`${format}: camera, exposure, dates, GPS, rights, keywords and the render's own facts read back`, async () => {
      const out = await renderToLibrary(layout, photo, recipe(photo.sha256, format), 1, undefined, NONE);
      const t = tagsOf(out.path);
      // The render's facts: size, orientation, colour space, no stale thumbnail, who wrote it.
      // Orientation 3 (turned 180°) applied, then cropped to 70 % x 80 % and 640 px on the long edge.
      expect([out.width, out.height]).toEqual([640, 549]);
      expect(t['XMP-tiff:Orientation']).toBe(1);
      expect(t['XMP-exif:ExifImageWidth']).toBe(640);
      expect(t['XMP-exif:ExifImageHeight']).toBe(549);
      expect(Object.keys(t).filter((k) => k.startsWith('IFD1:') || /Thumbnail|PreviewImage/.test(k))).toEqual([]);
      expect(Object.keys(t).some((k) => k.startsWith('MakerNotes') || k.startsWith('Apple:'))).toBe(false);
      expect(t['XMP-xmpMM:DerivedFrom']).toEqual({ DocumentID: `urn:sha256:${photo.sha256}`, FilePath: 'IMG_0001.JPG' });
      // What the photographer said, Lightbox's edits first.
      expect(t['XMP-dc:Title']).toBe('Market at dusk');
      expect(t['XMP-dc:Description']).toBe('Neon over the market, just before closing');
      expect(t['XMP-dc:Subject']).toEqual(['market', 'Seattle', 'dusk']);
      expect(t['XMP-lr:HierarchicalSubject']).toEqual(['Places|USA|Seattle', 'market', 'dusk']);
      expect(t['XMP-xmp:Rating']).toBe(4);
      expect(t['XMP-xmp:Label']).toBe('Green');
      expect(t['XMP-lightbox:Flag']).toBe('pick');
      expect(t['XMP-dc:Creator']).toEqual(['Zoë Müller']);
      expect(t['XMP-dc:Rights']).toBe('© 2012 Zoë Müller');
      expect(t['XMP-xmpRights:UsageTerms']).toBe('Editorial use only');
      expect(t['XMP-photoshop:City']).toBe('Seattle');
      expect(t['XMP-iptcCore:Location']).toBe('Pike Place Market');
      // The capture time with its zone (from GPS: Seattle in September is -07:00).
      expect(t['XMP-photoshop:DateCreated']).toBe('2012:09:29 16:11:25-07:00');
      if (format === 'tiff') {
        // libvips writes no EXIF into TIFF: the same facts in XMP.
        expect(t['XMP-tiff:Make']).toBe(orig['IFD0:Make']);
        expect(t['XMP-tiff:Model']).toBe(orig['IFD0:Model']);
        expect(Number(t['XMP-exif:ExposureTime'])).toBeCloseTo(orig['ExifIFD:ExposureTime'] as number, 10);
        expect(t['XMP-exif:FNumber']).toBe(orig['ExifIFD:FNumber']);
        expect(t['XMP-exif:ISO']).toEqual([orig['ExifIFD:ISO']]);
        expect(t['XMP-exif:FocalLength']).toBe(orig['ExifIFD:FocalLength']);
        expect(t['XMP-exif:DateTimeOriginal']).toBe('2012:09:29 16:11:25-07:00');
        expect(t['XMP-exif:GPSLatitude']).toBeCloseTo(47.6271667, 5);
        expect(t['XMP-exif:GPSLongitude']).toBeCloseTo(-122.3373333, 5);
        expect(t['XMP-exif:ColorSpace']).toBe(65535);
        return;
      }
      // Every camera, exposure, date and GPS tag the original has, as it has it.
      const carried = Object.keys(orig).filter((k) => /^(ExifIFD|GPS):/.test(k) || ['IFD0:Make', 'IFD0:Model', 'IFD0:ModifyDate'].includes(k))
        .filter((k) => !['ExifIFD:ExifVersion', 'ExifIFD:ComponentsConfiguration', 'ExifIFD:FlashpixVersion', 'ExifIFD:SubjectArea', 'ExifIFD:ExifImageWidth',
          'ExifIFD:ExifImageHeight', 'ExifIFD:ColorSpace', 'GPS:GPSVersionID'].includes(k));
      expect(carried.length).toBeGreaterThan(20);
      for (const key of carried) expect(t[key], key).toEqual(orig[key]);
      expect(t['IFD0:Orientation']).toBe(1);
      expect(orig['IFD0:Orientation']).toBe(3);
      expect(t['IFD0:Software']).toMatch(/^Lightbox /);
      // GPS gives the zone back to Immich as America/Los_Angeles: no offset tag that would rename it UTC-7.
      expect(t['ExifIFD:OffsetTimeOriginal']).toBeUndefined();
      expect(t['ExifIFD:ExifImageWidth']).toBe(640);
      expect(t['ExifIFD:ExifImageHeight']).toBe(549);
      expect(t['ExifIFD:ColorSpace']).toBe(1);
      // Not plain ASCII, so not in EXIF (libvips would write "Zoe"): XMP carries it.
      expect(t['IFD0:Artist']).toBeUndefined();
    });
  }

  it('renders every format byte for byte again', async () => {
    for (const format of FORMATS) {
      const a = await renderToLibrary(layout, photo, recipe(photo.sha256, format), 2, undefined, NONE);
      const first = await readFile(a.path);
      const b = await renderToLibrary(layout, photo, recipe(photo.sha256, format), 2, undefined, NONE);
      expect((await readFile(b.path)).equals(first), format).toBe(true);
    }
  });

  it('no-location leaves no GPS and no place name anywhere: EXIF, XMP or the sidecar; the zone stays as an offset', async () => {
    for (const format of FORMATS) {
      const out = await renderToLibrary(layout, photo, recipe(photo.sha256, format), 3, undefined, { ...NONE, folderChoice: 'no-location' });
      for (const file of [out.path, sidecarPath(out.path)]) {
        const t = tagsOf(file);
        const leaks = Object.keys(t).filter((k) => /GPS|City|Country|Location|State|Sublocation/i.test(k));
        expect(leaks, `${format} ${file}`).toEqual([]);
        // Keywords are the photographer's own words and stay (as in Lightroom's "remove location").
        const { 'XMP-dc:Subject': _s, 'XMP-lr:HierarchicalSubject': _h, ...rest } = t;
        const text = JSON.stringify(rest);
        expect(text.match(/.{60}(47\.62|122\.33|Seattle|Pike Place).{20}/)?.[0] ?? null, `${format} ${file}`).toBeNull();
        expect(t['XMP-photoshop:DateCreated']).toBe('2012:09:29 16:11:25-07:00');
      }
      const t = tagsOf(out.path);
      if (format !== 'tiff') expect(t['ExifIFD:OffsetTimeOriginal'], format).toBe('-07:00');
      expect(t['XMP-dc:Creator']).toEqual(['Zoë Müller']);
    }
  });

  it('the recipe\'s output step wins over the folder, and --metadata over both', async () => {
    const byRecipe = await renderToLibrary(layout, photo, recipe(photo.sha256, 'jpeg', 'copyright'), 4, undefined, { ...NONE, folderChoice: 'all' });
    expect(tagsOf(byRecipe.path)['IFD0:Make']).toBeUndefined();
    const byFlag = await renderToLibrary(layout, photo, recipe(photo.sha256, 'jpeg', 'all'), 5, undefined, { ...NONE, folderChoice: 'all', override: 'no-location' });
    const t = tagsOf(byFlag.path);
    expect(t['IFD0:Make']).toBe('Apple');
    expect(t['GPS:GPSLatitude']).toBeUndefined();
  });

  it('copyright: only creator, rights and contact, plus what the file is and where it came from', async () => {
    const out = await renderToLibrary(layout, photo, recipe(photo.sha256, 'jpeg'), 6, undefined, { ...NONE, folderChoice: 'copyright' });
    const t = tagsOf(out.path);
    const kept = Object.keys(t).filter((k) => /^(IFD0|ExifIFD|GPS|XMP-)/.test(k)).sort();
    expect(kept).toEqual([
      'ExifIFD:ColorSpace', 'ExifIFD:ComponentsConfiguration', 'ExifIFD:ExifImageHeight', 'ExifIFD:ExifImageWidth', 'ExifIFD:ExifVersion', 'ExifIFD:FlashpixVersion',
      'IFD0:Orientation', 'IFD0:ResolutionUnit', 'IFD0:Software', 'IFD0:XResolution', 'IFD0:YCbCrPositioning', 'IFD0:YResolution',
      'XMP-dc:Creator', 'XMP-dc:Rights', 'XMP-exif:ColorSpace', 'XMP-exif:ExifImageHeight', 'XMP-exif:ExifImageWidth',
      'XMP-lightbox:OriginalSHA256', 'XMP-lightbox:RecipeSHA256', 'XMP-tiff:Orientation', 'XMP-x:XMPToolkit',
      'XMP-xmp:CreatorTool', 'XMP-xmpMM:DerivedFrom', 'XMP-xmpMM:OriginalDocumentID', 'XMP-xmpRights:UsageTerms',
    ]);
  });

  it('the library\'s creator and copyright fill in for an original that names none, never over one that does', async () => {
    const defaults = { creator: 'Studio North', copyright: '(c) Studio North' };
    const filled = tagsOf((await renderToLibrary(layout, bare, recipe(bare.sha256, 'jpeg'), 1, undefined, { ...NONE, defaults })).path);
    expect([filled['XMP-dc:Creator'], filled['XMP-dc:Rights'], filled['IFD0:Artist'], filled['IFD0:Copyright']]).toEqual([['Studio North'], '(c) Studio North', 'Studio North', '(c) Studio North']);
    const own = tagsOf((await renderToLibrary(layout, photo, recipe(photo.sha256, 'jpeg'), 7, undefined, { ...NONE, defaults })).path);
    expect([own['XMP-dc:Creator'], own['XMP-dc:Rights']]).toEqual([['Zoë Müller'], '© 2012 Zoë Müller']);
  });

  it('the sidecar says what the file says, with no crop and orientation 1 for Lightroom', async () => {
    const out = await renderToLibrary(layout, photo, recipe(photo.sha256, 'jpeg'), 8, undefined, NONE);
    const t = tagsOf(sidecarPath(out.path));
    expect(t['XMP-crs:HasCrop']).toBe(false);
    expect(t['XMP-tiff:Orientation']).toBe(1);
    expect(t['XMP-dc:Subject']).toEqual(['market', 'Seattle', 'dusk']);
    expect(t['XMP-xmp:Rating']).toBe(4);
    expect(t['XMP-exif:GPSLatitude']).toBeCloseTo(47.6271667, 5);
    expect(t['XMP-xmpMM:DerivedFrom']).toEqual({ DocumentID: `urn:sha256:${photo.sha256}`, FilePath: 'IMG_0001.JPG' });
  });
});
