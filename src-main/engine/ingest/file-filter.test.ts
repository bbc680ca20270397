import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPathFilter, isCandidateExtension, isIgnoredDirName, isIgnoredName } from './file-filter.ts';

describe('isIgnoredName', () => {
  it.each([
    '.DS_Store', '._IMG_0001.JPG', '.hidden.jpg', '~$report.docx', 'Thumbs.db', 'THUMBS.DB', 'desktop.ini',
    'IMG_1.jpg.part', 'IMG_1.jpg.crdownload', 'x.tmp', 'x.JPG.partial', 'x.download', 'x.jpg.!ut',
    'x.filepart', 'IMG_1.xmp', 'IMG_1.CR2.XMP', '.IMG_1.jpg.3fa2.lbtmp', 'Icon\r',
  ])('ignores %j', (name) => {
    expect(isIgnoredName(name)).toBe(true);
  });

  it.each(['IMG_0001.JPG', 'photo.jpeg', 'DSC_1.NEF', 'party~1.jpg', 'temp.jpg', 'part.png', 'no-extension'])(
    'keeps %j',
    (name) => {
      expect(isIgnoredName(name)).toBe(false);
    },
  );

  it('judges the last segment when given a path', () => {
    expect(isIgnoredName('/a/.b/IMG.jpg')).toBe(false);
    expect(isIgnoredName('/a/b/.DS_Store')).toBe(true);
  });

  it('ignores hidden and NAS housekeeping folders', () => {
    for (const dir of ['.git', '@eaDir', '#recycle', '$RECYCLE.BIN', 'System Volume Information']) {
      expect(isIgnoredDirName(dir)).toBe(true);
    }
    expect(isIgnoredDirName('2024-05 wedding')).toBe(false);
  });
});

describe('isCandidateExtension', () => {
  it('accepts images and raws in any case, rejects the rest', () => {
    for (const name of ['a.jpg', 'a.JPEG', 'b.heic', 'c.CR3', 'd.3fr', 'e.dng', 'f.jxl', 'g.Tiff']) {
      expect(isCandidateExtension(name)).toBe(true);
    }
    for (const name of ['a.mov', 'notes.txt', 'IMG_0001', 'a.jpg_original', 'a.xmp']) {
      expect(isCandidateExtension(name)).toBe(false);
    }
  });
});

describe('createPathFilter', () => {
  const root = path.resolve('/hot');
  const at = (rel: string) => path.join(root, ...rel.split('/'));
  const accepts = (include: string[], exclude: string[], rel: string) => createPathFilter({ include, exclude }, root)(at(rel));

  it('takes everything when include is empty, nothing outside root', () => {
    const f = createPathFilter({ include: [], exclude: [] }, root);
    expect(f(at('a.jpg'))).toBe(true);
    expect(f(at('deep/er/b.nef'))).toBe(true);
    expect(f(path.resolve('/elsewhere/a.jpg'))).toBe(false);
    expect(f(path.resolve('/hot-other/a.jpg'))).toBe(false);
    expect(f(root)).toBe(false);
  });

  it('matches a slash-less pattern at any depth, extensions case-insensitively', () => {
    expect(accepts(['*.jpg'], [], 'IMG_1.JPG')).toBe(true);
    expect(accepts(['*.jpg'], [], 'sub/dir/IMG_1.Jpg')).toBe(true);
    expect(accepts(['*.jpg'], [], 'IMG_1.png')).toBe(false);
    expect(accepts(['*.jpg'], [], 'IMG_1.jpgx')).toBe(false);
  });

  it('supports {a,b}, ? and nested braces', () => {
    expect(accepts(['*.{jpg,nef}'], [], 'a.NEF')).toBe(true);
    expect(accepts(['*.{jpg,nef}'], [], 'a.cr2')).toBe(false);
    expect(accepts(['IMG_????.jpg'], [], 'IMG_0042.jpg')).toBe(true);
    expect(accepts(['IMG_????.jpg'], [], 'IMG_00042.jpg')).toBe(false);
    expect(accepts(['*.{tif{,f},jpg}'], [], 'scan.TIFF')).toBe(true);
    expect(accepts(['*.{tif{,f},jpg}'], [], 'scan.tif')).toBe(true);
    expect(accepts(['*.{tif{,f},jpg}'], [], 'scan.tiff2')).toBe(false);
  });

  it('anchors patterns with a slash at the root; * does not cross folders, ** does', () => {
    expect(accepts(['selects/*.jpg'], [], 'selects/a.jpg')).toBe(true);
    expect(accepts(['selects/*.jpg'], [], 'selects/day1/a.jpg')).toBe(false);
    expect(accepts(['selects/**/*.jpg'], [], 'selects/a.jpg')).toBe(true);
    expect(accepts(['selects/**/*.jpg'], [], 'selects/day1/x/a.jpg')).toBe(true);
    expect(accepts(['selects/**'], [], 'other/selects/a.jpg')).toBe(false);
    // Folder names stay case-sensitive; only the extension part is folded.
    expect(accepts(['selects/*.jpg'], [], 'Selects/a.jpg')).toBe(false);
  });

  it('excludes a folder by name or by glob, and exclude wins over include', () => {
    expect(accepts([], ['rejects'], 'rejects/a.jpg')).toBe(false);
    expect(accepts([], ['rejects'], 'day1/rejects/b/a.jpg')).toBe(false);
    expect(accepts([], ['rejects/**'], 'rejects/a.jpg')).toBe(false);
    expect(accepts([], ['rejects/**'], 'day1/rejects/a.jpg')).toBe(true);
    expect(accepts([], ['rejects'], 'rejected/a.jpg')).toBe(true);
    expect(accepts(['*.jpg'], ['*_small.jpg'], 'x_small.jpg')).toBe(false);
    expect(accepts(['*.jpg'], ['*_small.jpg'], 'x_large.jpg')).toBe(true);
  });

  it('treats regex characters literally and accepts Windows-style separators in patterns', () => {
    expect(accepts(['a+b (1).jpg'], [], 'a+b (1).jpg')).toBe(true);
    expect(accepts(['a+b (1).jpg'], [], 'aab (1).jpg')).toBe(false);
    expect(accepts(['[ab].jpg'], [], 'a.jpg')).toBe(false);
    expect(accepts(['[ab].jpg'], [], '[ab].jpg')).toBe(true);
    expect(accepts(['sub\\*.jpg'], [], 'sub/a.jpg')).toBe(true);
    expect(accepts(['./sub/*.jpg'], [], 'sub/a.jpg')).toBe(true);
  });

  it('matches decomposed (macOS) names against composed patterns', () => {
    expect(accepts(['café/*'], [], 'cafe\u0301/a.jpg')).toBe(true);
  });
});
