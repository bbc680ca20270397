import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { buildUploadSidecar } from './sidecar.ts';

function exiftool(): string | null {
  try {
    return execFileSync('which', ['exiftool'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

describe('buildUploadSidecar', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('lightbox-sidecar-');
  });
  afterAll(() => dir.cleanup());

  it('writes description, rating, dc:subject and lr:hierarchicalSubject, XML-escaped', () => {
    const xmp = buildUploadSidecar({ description: 'Tom & Jerry <3 "quotes"', rating: 5, keywords: ['Places|Norway|Bergen', 'R&D'] });
    expect(xmp).toContain('xmp:Rating="5"');
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Tom &amp; Jerry &lt;3 &quot;quotes&quot;</rdf:li>');
    expect(xmp).toMatch(/<dc:subject>[\s\S]*<rdf:li>Places<\/rdf:li>[\s\S]*<rdf:li>Bergen<\/rdf:li>[\s\S]*<rdf:li>R&amp;D<\/rdf:li>[\s\S]*<\/dc:subject>/);
    expect(xmp).toMatch(/<lr:hierarchicalSubject>[\s\S]*<rdf:li>Places\|Norway\|Bergen<\/rdf:li>[\s\S]*<rdf:li>R&amp;D<\/rdf:li>/);
    expect(buildUploadSidecar({})).not.toContain('dc:subject');
    expect(() => buildUploadSidecar({ rating: 7 })).toThrow(RangeError);
  });

  it('carries a Camera Raw crop for the original', () => {
    const xmp = buildUploadSidecar({ crop: { hasCrop: true, top: 0.1, left: 0.2, bottom: 0.9, right: 0.75, angle: -2.5 } });
    expect(xmp).toContain('crs:CropLeft="0.2"');
    expect(xmp).toContain('crs:CropAngle="-2.5"');
    expect(buildUploadSidecar({ crop: { hasCrop: false, top: 0, left: 0, bottom: 1, right: 1, angle: 0 } })).not.toContain('crs:HasCrop');
  });

  it.skipIf(!exiftool())('is read by exiftool as Immich reads it', async () => {
    const file = path.join(dir.path, 'a.xmp');
    await writeFile(file, buildUploadSidecar({ description: 'Fjord & sky', rating: 3, keywords: ['Trips|Norway', 'sunrise'] }));
    const [tags] = JSON.parse(execFileSync(exiftool()!, ['-j', '-n', '-XMP:all', file], { encoding: 'utf8' })) as Array<Record<string, unknown>>;
    expect(tags).toMatchObject({ Description: 'Fjord & sky', Rating: 3, HierarchicalSubject: ['Trips|Norway', 'sunrise'], Subject: ['Trips', 'Norway', 'sunrise'] });
  });
});
