import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { AnalysisError } from '../analysis-error.ts';
import { defaultModelsDir } from '../model-manifest.ts';
import { loadCatalogue, type CatalogueEntry } from './catalogue.ts';
import { downloadFile, type Progress } from './http-download.ts';

/**
 * Downloads, installs and verifies the models of the manifest's `downloads` section. A model lives
 * in `<installRoot>/<id>/`: its files, LICENCE.txt (what the user accepted) and installed.json,
 * written last, which is what makes the model "installed". installed.json also pins each file's
 * SHA-256 when the manifest could not record one in advance.
 */

const Installed = z.object({
  id: z.string(),
  version: z.string(),
  licence: z.string(),
  installedAt: z.string(),
  files: z.array(z.object({ name: z.string(), url: z.string(), bytes: z.number().int(), sha256: z.string() })),
});
type Installed = z.infer<typeof Installed>;

export type ModelState = 'installed' | 'not-installed' | 'partial' | 'outdated';

export type ModelListing = {
  id: string;
  version: string;
  task: CatalogueEntry['task'];
  title: string;
  licence: string;
  licenceUrl: string;
  home: string;
  /** Sum of the known file sizes; null when some size is not recorded yet. */
  bytes: number | null;
  state: ModelState;
  dir: string;
};

export type FileCheck = { name: string; ok: boolean; message: string };
export type ModelVerification = { id: string; ok: boolean; files: FileCheck[]; message: string };

export type ProgressEvent = { id: string; file: string; fileIndex: number; fileCount: number; received: number; total: number | null };

export type ManagerOptions = {
  modelsDir?: string;
  /** Where models are installed; `<modelsDir>/weights` by default. */
  installRoot?: string;
  /** Passed to the downloader (tests shorten them). */
  retryDelayMs?: number;
  idleTimeoutMs?: number;
};

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export class ModelManager {
  readonly modelsDir: string;
  readonly installRoot: string;
  private readonly options: ManagerOptions;

  constructor(options: ManagerOptions = {}) {
    this.options = options;
    this.modelsDir = options.modelsDir ?? defaultModelsDir;
    this.installRoot = options.installRoot ?? path.join(this.modelsDir, 'weights');
  }

  catalogue(): readonly CatalogueEntry[] {
    return loadCatalogue(this.modelsDir);
  }

  entry(id: string): CatalogueEntry {
    const e = this.catalogue().find((m) => m.id === id);
    if (!e) throw new AnalysisError('not-found', `No downloadable model "${id}". \`lightbox models list\` shows the ones there are.`);
    return e;
  }

  dirOf(id: string): string {
    return path.join(this.installRoot, id);
  }

  fileOf(id: string, name: string): string {
    return path.join(this.dirOf(id), name);
  }

  private async installed(id: string): Promise<Installed | null> {
    const raw = await readFile(path.join(this.dirOf(id), 'installed.json'), 'utf8').catch(() => null);
    if (raw === null) return null;
    const parsed = Installed.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /** Cheap state (no hashing): installed.json for this version, and every file there at its size. */
  async state(id: string): Promise<ModelState> {
    const entry = this.entry(id);
    const inst = await this.installed(id);
    if (!inst) {
      const any = await Promise.all(entry.files.map((f) => stat(`${this.fileOf(id, f.name)}.part`).then(() => true, () => false)));
      return any.some(Boolean) ? 'partial' : 'not-installed';
    }
    if (inst.version !== entry.version) return 'outdated';
    for (const f of inst.files) {
      const size = await stat(this.fileOf(id, f.name)).then((s) => s.size, () => -1);
      if (size !== f.bytes) return 'partial';
    }
    return 'installed';
  }

  async list(): Promise<ModelListing[]> {
    return Promise.all(
      this.catalogue().map(async (e) => ({
        id: e.id,
        version: e.version,
        task: e.task,
        title: e.title,
        licence: e.licence,
        licenceUrl: e.licenceUrl,
        home: e.home,
        bytes: e.files.every((f) => f.bytes !== null) ? e.files.reduce((s, f) => s + f.bytes!, 0) : null,
        state: await this.state(e.id),
        dir: this.dirOf(e.id),
      })),
    );
  }

  /**
   * Fetches every file (resuming .part files), checks each, then moves them into place and writes
   * LICENCE.txt and installed.json. Any failure leaves the previous install (if any) untouched.
   */
  async download(id: string, onProgress?: (p: ProgressEvent) => void): Promise<ModelListing> {
    const entry = this.entry(id);
    const dir = this.dirOf(id);
    // Already here and intact: nothing to fetch (a damaged install is fetched again).
    if ((await this.state(id)) === 'installed' && (await this.verify(id)).ok) return (await this.list()).find((m) => m.id === id)!;
    await mkdir(dir, { recursive: true });
    const got: Installed['files'] = [];
    for (const [i, f] of entry.files.entries()) {
      const report = (p: Progress) => onProgress?.({ id, file: f.name, fileIndex: i, fileCount: entry.files.length, received: p.received, total: p.total });
      const result = await downloadFile({
        url: f.url,
        partPath: `${this.fileOf(id, f.name)}.part`,
        bytes: f.bytes,
        sha256: f.sha256,
        onProgress: throttle(report),
        retryDelayMs: this.options.retryDelayMs,
        idleTimeoutMs: this.options.idleTimeoutMs,
      });
      report({ received: result.bytes, total: result.bytes });
      got.push({ name: f.name, url: f.url, bytes: result.bytes, sha256: result.sha256 });
    }
    for (const f of got) await rename(`${this.fileOf(id, f.name)}.part`, this.fileOf(id, f.name));
    const licence = [
      `${entry.title} (${entry.id} ${entry.version})`,
      `Licence: ${entry.licence}`,
      `Licence text: ${entry.licenceUrl}`,
      `Home: ${entry.home}`,
      `Downloaded by Lightbox on ${new Date().toISOString()} from:`,
      ...got.map((f) => `  ${f.url}  (${f.bytes} bytes, SHA-256 ${f.sha256})`),
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'LICENCE.txt'), licence);
    const installed: Installed = { id, version: entry.version, licence: entry.licence, installedAt: new Date().toISOString(), files: got };
    // Written last and renamed into place: a crash before this leaves the model "not installed".
    await writeFile(path.join(dir, 'installed.json.tmp'), `${JSON.stringify(installed, null, 2)}\n`);
    await rename(path.join(dir, 'installed.json.tmp'), path.join(dir, 'installed.json'));
    return (await this.list()).find((m) => m.id === id)!;
  }

  /** Hashes every installed file against the manifest (or the hash pinned at download). */
  async verify(id: string): Promise<ModelVerification> {
    const entry = this.entry(id);
    const inst = await this.installed(id);
    const fix = `Run \`lightbox models download ${id}\`.`;
    if (!inst) return { id, ok: false, files: [], message: `Model ${id} is not installed. ${fix}` };
    if (inst.version !== entry.version) return { id, ok: false, files: [], message: `Model ${id} ${inst.version} is installed; this Lightbox uses ${entry.version}. ${fix}` };
    const files: FileCheck[] = [];
    for (const f of entry.files) {
      const pinned = inst.files.find((x) => x.name === f.name);
      const want = f.sha256 ?? pinned?.sha256 ?? null;
      const file = this.fileOf(id, f.name);
      const size = await stat(file).then((s) => s.size, () => -1);
      if (size < 0 || !want) files.push({ name: f.name, ok: false, message: `${f.name} is missing.` });
      else if (size !== (f.bytes ?? pinned?.bytes)) files.push({ name: f.name, ok: false, message: `${f.name} is ${size} bytes, expected ${f.bytes ?? pinned?.bytes}.` });
      else {
        const sha = await sha256Of(file);
        files.push(sha === want ? { name: f.name, ok: true, message: 'ok' } : { name: f.name, ok: false, message: `${f.name} has SHA-256 ${sha}, expected ${want}.` });
      }
    }
    const bad = files.filter((f) => !f.ok);
    const message = bad.length === 0 ? `Model ${id} is installed and intact.` : `Model ${id} is damaged: ${bad.map((f) => f.message).join(' ')} ${fix}`;
    return { id, ok: bad.length === 0, files, message };
  }
}

/** At most one progress report per 200 ms per file (a 300 MB file has ~20,000 chunks). */
function throttle(report: (p: Progress) => void): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    report(p);
  };
}
