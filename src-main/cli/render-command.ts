import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExportMetadata, ExportTargetId, RenderTarget } from '../contract/index.ts';
import { readExportSource } from '../engine/media/export-source.ts';
import { readMetadata } from '../engine/media/metadata.ts';
import { RecipeError } from '../engine/recipes/recipe-error.ts';
import { exportTarget, renderRecipe, RenderError } from '../engine/render/pipeline/index.ts';
import { writeFileAtomic } from '../engine/render/atomic-write.ts';
import { recipeForFile } from '../engine/render/recipe-file.ts';
import { renderMetadata } from '../engine/render/metadata/embed.ts';
import { recipeSha256 } from '../engine/render/metadata/provenance.ts';
import { UsageError } from './usage-error.ts';
import { autoEnhanceSteps } from './auto-enhance-steps.ts';
import { MediaError } from '../engine/media/index.ts';

/** A run that cannot produce the file: printed as `lightbox: <code>: <message>`, exit 1. */
class ImpossibleRun extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * `lightbox render FILE [--recipe R.json] [--auto-enhance] --out O [--target ID[:extend]] [--metadata all|no-location|copyright] [--json]`:
 * renders any image file with a recipe, and/or the tone and colour steps auto-enhance proposes for
 * it (appended after the recipe's steps; never a crop), no library involved. The output keeps the input's metadata
 * as --metadata says (else as the recipe's output step says, else all of it). Problems that still allow a render (a recipe made for
 * another original, an odd extension) are warnings on stderr; exit 1 only when nothing can be written.
 */
export async function renderCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      recipe: { type: 'string' },
      'auto-enhance': { type: 'boolean', default: false },
      out: { type: 'string' },
      target: { type: 'string' },
      metadata: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('lightbox render needs exactly one image file.');
  if (!values.recipe && !values['auto-enhance']) throw new UsageError('lightbox render needs --recipe R.json, --auto-enhance, or both.');
  if (!values.out) throw new UsageError('lightbox render needs --out FILE.');
  const target = values.target === undefined ? undefined : parseTarget(values.target);
  const override = values.metadata === undefined ? null : parseExportMetadata(values.metadata);
  const input = path.resolve(positionals[0]!);
  const out = path.resolve(values.out);
  if (out === input) throw new UsageError('--out must not be the input file: Lightbox never writes over an original.');
  try {
    const info = await stat(input).catch(() => null);
    if (!info?.isFile()) throw new ImpossibleRun('not-found', `${input} is not a file.`);
    const bytes = await readFile(input);
    const recipeText = values.recipe
      ? await readFile(values.recipe, 'utf8').catch((error: Error) => {
          throw new ImpossibleRun('not-found', `The recipe ${values.recipe} cannot be read: ${error.message}`);
        })
      : '{"steps": []}';
    const inputSha256 = sha256(bytes);
    const given = recipeForFile(recipeText, { sha256: inputSha256 }, out);
    for (const warning of given.warnings) console.error(`lightbox: warning: ${warning}`);
    const recipe = values['auto-enhance'] ? await autoEnhanceSteps(input, given.recipe) : given.recipe;
    const provenance = { originalSha256: inputSha256, originalFileName: path.basename(input), recipeSha256: recipeSha256(recipe) };
    // Loose files: what the file (and a sidecar beside it) says stands for what a library would hold.
    const read = await readMetadata(input);
    const described = renderMetadata({
      source: await readExportSource(input),
      photo: { fileName: path.basename(input), metadata: read.metadata, flag: null, captureDate: read.captureDate, captureInstant: read.captureInstant, gps: read.gps },
      provenance, folderChoice: null, override, defaults: { creator: null, copyright: null },
    });
    const image = await renderRecipe({ buffer: bytes }, recipe, { ...(target ? { target } : {}), metadata: described.metadata });
    await writeFileAtomic(out, image.data);
    const summary = { out, format: image.info.format, width: image.info.width, height: image.info.height, bytes: image.data.length, sha256: sha256(image.data) };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else console.log(`${out}: ${summary.width}x${summary.height} ${summary.format.toUpperCase()}, ${summary.bytes} bytes`);
    return 0;
  } catch (error) {
    if (error instanceof ImpossibleRun || error instanceof RecipeError || error instanceof RenderError || error instanceof MediaError) {
      console.error(`lightbox: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** `--metadata`, shared with `lightbox process`. */
export function parseExportMetadata(text: string): ExportMetadata {
  const parsed = ExportMetadata.safeParse(text);
  if (!parsed.success) throw new UsageError(`--metadata must be ${ExportMetadata.options.join(', ')} (got "${text}").`);
  return parsed.data;
}

/** `square`, `story-9x16:extend`, `story-9x16:extend:#000000`. */
function parseTarget(text: string) {
  const [id, strategy = 'crop', background = 'blur'] = text.split(':');
  const parsed = RenderTarget.safeParse({ id, strategy, background });
  if (!parsed.success) {
    throw new UsageError(`--target "${text}" is not ID[:crop|extend[:blur|#rrggbb]] (IDs: ${ExportTargetId.options.join(', ')}).`);
  }
  return exportTarget(parsed.data.id, parsed.data.strategy, parsed.data.background as 'blur');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
