// Writes the golden images (lossless WebP: a third smaller than PNG) from the CURRENT renderer. Run only when a change of look is intended and
// reviewed: `PATH=$PWD/node_modules/.bin:$PATH node src-main/engine/render/golden/update-golden.ts`
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { corpusPath } from '../../../../../test-support/corpus.ts';
import { renderRecipe } from '../render-recipe.ts';
import { GOLDEN_EDGE, goldenCases, recipeOf } from './golden-cases.ts';

const dir = path.dirname(new URL(import.meta.url).pathname);
await mkdir(path.join(dir, 'expected'), { recursive: true });
for (const c of goldenCases()) {
  const t = performance.now();
  const out = await renderRecipe({ path: corpusPath(c.photo) }, recipeOf(c.steps), c.target ? { target: c.target } : {});
  // Decoded to 8-bit sRGB (sharp applies the embedded profile), shrunk only if the case is full size.
  let img = sharp(out.data).removeAlpha().toColourspace('srgb');
  if (c.full) img = img.resize(GOLDEN_EDGE, GOLDEN_EDGE, { fit: 'inside', kernel: 'lanczos3' });
  await img.webp({ lossless: true, effort: 6 }).toFile(path.join(dir, 'expected', `${c.name}.webp`));
  console.log(`${c.name}: ${out.info.width}x${out.info.height} ${(performance.now() - t).toFixed(0)} ms`);
}
