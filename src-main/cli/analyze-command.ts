import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AnalyzeFileResult, type AppError } from '../contract/index.ts';
import { AnalysisError } from '../engine/analysis/analysis-error.ts';
import { analyzeOpenedImage } from '../engine/analysis/analyze-image.ts';
import { OnnxPool } from '../engine/analysis/onnx-pool.ts';
import { MediaError, openImage } from '../engine/media/index.ts';
import { UsageError } from './usage-error.ts';

function toAppError(error: unknown): AppError {
  if (error instanceof MediaError || error instanceof AnalysisError) return { code: error.code, message: error.message };
  return { code: 'internal', message: `Lightbox could not analyse this file: ${(error as Error).message ?? String(error)}` };
}

async function analyseFile(file: string, pool: OnnxPool, subject: boolean): Promise<AnalyzeFileResult> {
  const empty = { file, width: null, height: null, faces: [], subject: null, objects: [], quality: null, crops: [] };
  try {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      return { ...empty, error: { code: 'not-found', message: `${file} does not exist or is not a file. Check the path.` } };
    }
    const a = await analyzeOpenedImage(await openImage(file), { pool, subject });
    return AnalyzeFileResult.parse({
      file,
      width: a.width,
      height: a.height,
      faces: a.faces ?? [],
      subject: a.subject?.box ? { box: a.subject.box } : null,
      objects: a.objects.objects,
      quality: { score: a.quality.score, sharpness: a.quality.sharpness, exposure: a.quality.exposure, flags: a.quality.flags },
      crops: a.crops.proposals,
      enhance: { steps: a.enhance.steps, confidence: a.enhance.confidence, reasons: a.enhance.reasons },
      ...(a.moderation ? { moderation: a.moderation } : {}),
      ...(a.skipped.length > 0 ? { skipped: a.skipped } : {}),
    });
  } catch (error) {
    return { ...empty, error: toAppError(error) };
  }
}

function describe(r: AnalyzeFileResult): string {
  if (r.error) return `${r.file}: ${r.error.code} - ${r.error.message}`;
  const q = r.quality!;
  const best = r.crops[0];
  return [
    `${r.file}: ${r.width} x ${r.height}, ${r.faces.length} face${r.faces.length === 1 ? '' : 's'}`,
    r.subject ? ', subject found' : '',
    r.objects.length ? `, objects: ${[...new Set(r.objects.map((o) => o.label))].join(', ')}` : '',
    `, quality ${q.score.toFixed(2)}${q.flags.length ? ` (${q.flags.join(', ')})` : ''}`,
    r.moderation ? `, moderation ${r.moderation.flag}` : '',
    best ? `; best crop ${best.aspect}: ${best.reason} (${Math.round(best.confidence * 100)}%)` : '',
    r.enhance ? `; enhance: ${r.enhance.steps.length ? r.enhance.steps.map((s) => `${s.op} (${s.reason})`).join(', ') : r.enhance.reasons[0] ?? 'nothing to do'}` : '',
    r.skipped?.length ? `; not analysed: ${r.skipped.map((s) => `${s.task} (${s.code === 'model-missing' ? 'model missing' : 'model damaged'}: ${s.model})`).join(', ')}` : '',
  ].join('');
}

/**
 * `lightbox analyze FILE... [--json] [--no-subject]`: faces, subject, quality, crop and auto-enhance proposals per
 * file, without a library. A file that cannot be read gets `error` and the others still print;
 * the exit code is 1 if any file failed.
 */
export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'no-subject': { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new UsageError('lightbox analyze needs at least one file.');
  const pool = new OnnxPool();
  const results: AnalyzeFileResult[] = [];
  try {
    for (const file of positionals) {
      const result = await analyseFile(file, pool, !values['no-subject']);
      results.push(result);
      if (!values.json) console.log(describe(result));
    }
  } finally {
    await pool.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  // Said once, on stderr: the JSON on stdout stays machine-readable.
  if (results.some((r) => r.skipped?.length)) console.error('Some models are missing or damaged; `npm run models` fetches them. The files were analysed without them.');
  return results.some((r) => r.error) ? 1 : 0;
}
