import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { resolveCrop } from '../../recipes/crop-geometry.ts';
import { buildXmpSidecar, cameraRawCrop } from './xmp-sidecar.ts';
import { apply, orientationMatrix } from './orientation.ts';

const recipeOf = (steps: RecipeStep[]): Recipe => ({ ...newRecipe('4'.repeat(64)), steps, end: steps.length });

function exiftoolPath(): string {
  try {
    return execFileSync('which', ['exiftool'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('exiftool is not installed: run `apt-get install libimage-exiftool-perl` (the XMP sidecar test reads the sidecar back with it)');
  }
}

const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-xmp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readBack(xmp: string, name: string) {
  const file = path.join(dir, `${name}.xmp`);
  await writeFile(file, xmp, 'utf8');
  const [tool] = JSON.parse(execFileSync(exiftoolPath(), ['-j', '-n', '-XMP:all', file], { encoding: 'utf8' })) as Array<Record<string, unknown>>;
  // exifr's ESM build has no sidecar reader: embed the packet in a JPEG, as a photo would carry it.
  const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000000' } }).jpeg().withXmp(xmp).toBuffer();
  const fromExifr = (await exifr.parse(jpeg, { xmp: true, tiff: false })) as Record<string, unknown>;
  return { tool: tool!, exifr: fromExifr };
}

describe('XMP sidecar', () => {
  it('exiftool and exifr read the same Camera Raw crop, orientation, rating, caption and keywords', async () => {
    const recipe = recipeOf([newStep('crop', { x: 0.1, y: 0.2, w: 0.3, h: 0.4 })]);
    const xmp = buildXmpSidecar({ recipe, orientation: 6, rating: 4, description: 'Fish & <chips> "quoted"', keywords: ['beach', 'R&D', '<tag>'] });
    const { tool, exifr: ex } = await readBack(xmp, 'plain');
    // Display (x 0.1..0.4, y 0.2..0.6) of an orientation-6 photo is, in the stored frame, x 0.2..0.6, y 0.6..0.9.
    const expected = { CropTop: 0.6, CropLeft: 0.2, CropBottom: 0.9, CropRight: 0.6, CropAngle: 0 };
    for (const [k, v] of Object.entries(expected)) {
      expect(Number(tool[k]), `exiftool ${k}`).toBeCloseTo(v, 6);
      expect(Number(ex[k]), `exifr ${k}`).toBeCloseTo(v, 6);
    }
    expect(tool.HasCrop).toBe(true);
    expect(ex.HasCrop).toBe(true);
    expect(tool.Orientation).toBe(6);
    expect(ex.Orientation).toBe(6);
    expect(tool.Rating).toBe(4);
    expect(ex.Rating).toBe(4);
    expect(tool.Description).toBe('Fish & <chips> "quoted"');
    // exifr 7 returns element text with XML entities still encoded; exiftool decodes them.
    expect(ex.description).toEqual({ lang: 'x-default', value: 'Fish &amp; &lt;chips&gt; &quot;quoted&quot;' });
    expect(unescapeXml((ex.description as { value: string }).value)).toBe('Fish & <chips> "quoted"');
    expect(tool.Subject).toEqual(['beach', 'R&D', '<tag>']);
    expect((ex.subject as string[]).map(unescapeXml)).toEqual(['beach', 'R&D', '<tag>']);
  });

  it('a straightened crop round-trips through the Lightroom reading of the corners', async () => {
    const size = { width: 3000, height: 2000 };
    const params = { x: 0.2, y: 0.15, w: 0.5, h: 0.6, angle: 7.5 };
    for (const orientation of [1, 3, 6, 8]) {
      const recipe = recipeOf([newStep('crop', params)]);
      const { tool, exifr: ex } = await readBack(buildXmpSidecar({ recipe, orientation, imageSize: size }), `angle-${orientation}`);
      for (const k of ['CropTop', 'CropLeft', 'CropBottom', 'CropRight', 'CropAngle']) expect(Number(ex[k]), k).toBeCloseTo(Number(tool[k]), 6);
      expect(Number(tool.CropAngle)).toBeCloseTo(7.5, 6);
      // Read it back as an importer does: stored corners -> displayed frame -> rotate by the angle -> axis-aligned frame.
      const c = cameraRawCrop(recipe, orientation, size);
      const m = orientationMatrix(orientation);
      const stored = m[0] === 0 ? { w: size.height, h: size.width } : { w: size.width, h: size.height };
      const toDisplay = (u: number, v: number) => apply(m, [(u - 0.5) * stored.w, (v - 0.5) * stored.h]);
      const corners = [toDisplay(c.left, c.top), toDisplay(c.right, c.bottom), toDisplay(c.right, c.top), toDisplay(c.left, c.bottom)];
      const rad = (c.angle * Math.PI) / 180;
      const rot = ([x, y]: [number, number]) => [x * Math.cos(rad) + y * Math.sin(rad), -x * Math.sin(rad) + y * Math.cos(rad)];
      // One of the two diagonals is the frame's: its rotated corners span exactly the frame's size.
      const frame = resolveCrop(params, size.width, size.height);
      const spans = [[corners[0]!, corners[1]!], [corners[2]!, corners[3]!]].map(([p, q]) => {
        const [a, b] = [rot(p!), rot(q!)];
        return [Math.abs(a[0]! - b[0]!), Math.abs(a[1]! - b[1]!)];
      });
      const match = spans.some(([w, h]) => Math.abs(w! - frame.width) < 0.01 && Math.abs(h! - frame.height) < 0.01);
      expect(match, `orientation ${orientation}: ${JSON.stringify(spans)} vs ${frame.width}x${frame.height}`).toBe(true);
    }
  });

  it('adds the recipe rotate steps to tiff:Orientation and flips the angle after a mirror', () => {
    const turned = buildXmpSidecar({ recipe: recipeOf([newStep('rotate', { turn: 'cw90' })]), orientation: 6 });
    expect(turned).toContain('tiff:Orientation="3"');
    expect(turned).toContain('crs:HasCrop="False"');
    const mirrored = cameraRawCrop(recipeOf([newStep('crop', { x: 0, y: 0, w: 0.5, h: 0.5, angle: 3 }), newStep('rotate', { flipH: true })]), 1, { width: 100, height: 100 });
    expect(mirrored.angle).toBe(-3);
  });

  it('refuses a straightened crop without the image size and a rating out of range', () => {
    const recipe = recipeOf([newStep('crop', { x: 0, y: 0, w: 0.5, h: 0.5, angle: 3 })]);
    expect(() => buildXmpSidecar({ recipe })).toThrow(/imageSize/);
    expect(() => buildXmpSidecar({ recipe: recipeOf([]), rating: 9 })).toThrow(/rating/);
  });
});
