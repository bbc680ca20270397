import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { makerNoteZone, makerNoteZoneOf } from './maker-note-zone.ts';
import { openTiff } from './tiff-ifd.ts';

/** One little-endian IFD with `entries` [tag, type, count, 4 value bytes]. */
function ifd(entries: Array<[number, number, number, number[]]>): Buffer {
  const b = Buffer.alloc(2 + entries.length * 12 + 4);
  b.writeUInt16LE(entries.length, 0);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 2 + i * 12;
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(count, at + 4);
    Buffer.from(value).copy(b, at + 8);
  });
  return b;
}
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** An EXIF TIFF whose EXIF IFD holds a Nikon type-3 maker note with WorldTime (minutes, DST flag). */
function nikonExif(minutes: number, dst: boolean): Buffer {
  const worldTime = Buffer.alloc(4);
  worldTime.writeInt16LE(minutes, 0);
  worldTime[2] = dst ? 1 : 0;
  const inner = Buffer.concat([Buffer.from('II*\0'), Buffer.from(u32(8)), ifd([[0x0024, 7, 4, [...worldTime]]])]);
  const note = Buffer.concat([Buffer.from('Nikon\0'), Buffer.from([0x02, 0x10, 0, 0]), inner]);
  const ifd0 = ifd([[0x8769, 4, 1, u32(8 + 18)]]); // EXIF IFD right after IFD0 (2 + 12 + 4 bytes)
  const exifIfdAt = 8 + ifd0.length;
  const noteAt = exifIfdAt + 18;
  const exifIfd = ifd([[0x927c, 7, note.length, u32(noteAt)]]);
  return Buffer.concat([Buffer.from('II*\0'), Buffer.from(u32(8)), ifd0, exifIfd, note]);
}

describe('makerNoteZone', () => {
  it('Nikon WorldTime: the zone in minutes, plus an hour when daylight saving is on', () => {
    expect(makerNoteZone(openTiff(nikonExif(-300, false))!, 'NIKON CORPORATION')).toEqual({ maker: 'nikon', minutes: -300 });
    expect(makerNoteZone(openTiff(nikonExif(60, true))!, 'NIKON')).toEqual({ maker: 'nikon', minutes: 120 });
  });

  it('is not read for another maker, nor for a nonsense zone', () => {
    expect(makerNoteZone(openTiff(nikonExif(60, false))!, 'SONY')).toBeNull();
    expect(makerNoteZone(openTiff(nikonExif(20 * 60, false))!, 'NIKON')).toBeNull();
  });

  describe.skipIf(!hasCorpus)('Canon TimeInfo on the corpus (what exiftool reports as TimeZone)', () => {
    const cases: Array<[string, number]> = [
      ['jpeg/camera/exifr-canon-dslr.jpg', 0],
      // Rewritten by an editor: the maker note moved 128 bytes without its offsets being fixed.
      ['content/near-dup/canon_hdr_NO.jpg', 60],
      ['raw/Canon-R6-pruned.CR3', 120],
      ['raw/canon_cr3_first128KB.cr3', 480],
    ];
    for (const [file, minutes] of cases) {
      it(`${file}: ${minutes} minutes`, async () => {
        const format = file.toLowerCase().endsWith('.cr3') ? 'cr3' : 'jpeg';
        expect(await makerNoteZoneOf(await readFile(corpusPath(file)), format, 'Canon')).toBe(minutes);
      });
    }

    it('a Canon without TimeInfo (an EOS 7D of 2010) has none', async () => {
      expect(await makerNoteZoneOf(await readFile(corpusPath('jpeg/camera/Canon_EOS_7D.jpg')), 'jpeg', 'Canon')).toBeNull();
    });
  });
});
