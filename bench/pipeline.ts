// Whole-pipeline benchmark (not a test): N camera JPEGs dropped -> ingested, analysed, rendered and
// uploaded (original + processed, stacked) to the Immich double on loopback, next to the floor (each
// stage's bare library call in a plain loop, bench/pipeline-floor.ts) and the Immich CLI uploading the
// same originals to the same kind of double, in the same run. Each arm runs in its own process
// (ours with the product's malloc settings, src-main/malloc-env.ts)
// against a fresh double in another, so each RSS is that arm's alone.
// Run: npm run bench -- pipeline                       (the 36 corpus camera JPEGs)
//      npm run bench -- pipeline --photos 1000         (RSS at photo 200 and 1000, and the open-a-photo row)
//      node bench/pipeline.ts [--rounds 1] [--max-load 1.5] [--profile DIR] [--no-floor] [--no-cli]
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { corpusPath, corpusSkipReason, hasCorpus, projectRoot } from '../test-support/corpus.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { printTable } from './bench-utils.ts';
import { mallocEnv } from '../src-main/malloc-env.ts';
import { benchNode, startDouble } from './double-process.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '36' },
    rounds: { type: 'string', default: '1' },
    // Measure only when the machine is this quiet (1-minute load average); wait for it otherwise.
    'max-load': { type: 'string', default: '1.5' },
    'wait-load': { type: 'string', default: '600' },
    profile: { type: 'string' },
    'no-floor': { type: 'boolean', default: false },
    'no-cli': { type: 'boolean', default: false },
    // glibc's own malloc settings instead of ours (src-main/malloc-env.ts), to compare the two.
    'glibc-malloc': { type: 'boolean', default: false },
  },
});
if (!hasCorpus) {
  console.log(`pipeline benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
const PHOTOS = Number(values.photos);
const BIG = PHOTOS >= 1000;
const KEY = 'bench-pipeline-key';
const armEnv = (): NodeJS.ProcessEnv => (values['glibc-malloc'] ? process.env : mallocEnv(process.env));
const CAMERA = 'jpeg/camera';

/** Waits until the 1-minute load average is under the bar (other people share this machine). */
async function quietMachine(): Promise<number> {
  const bar = Number(values['max-load']);
  const deadline = Date.now() + Number(values['wait-load']) * 1000;
  for (;;) {
    const load = os.loadavg()[0]!;
    if (load < bar || Date.now() > deadline) return load;
    process.stderr.write(`load ${load.toFixed(2)} >= ${bar}: waiting\n`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
}

/** The corpus camera JPEGs as they are, then copies made distinct by unique trailing bytes (a camera trailer). */
async function makeInbox(dir: string, count: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(corpusPath(CAMERA))).filter((n) => /\.jpe?g$/i.test(n)).sort();
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length]!;
    const source = corpusPath(`${CAMERA}/${name}`);
    const target = path.join(dir, i < names.length ? name : `${String(i).padStart(5, '0')}_${name}`);
    if (i < names.length) await copyFile(source, target);
    else await writeFile(target, Buffer.concat([await readFile(source), Buffer.from(`lightbox-bench-${i}`)]));
    bytes += (await readFile(target)).length;
  }
  return bytes;
}

type Child = { stdout: string; wallMs: number; peakRssMb: number; code: number | null };

/** Runs a child process; its peak RSS is read from /proc (VmHWM) while it runs. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(benchNode, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let stdout = '';
    let peak = 0;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {
        // gone between the check and the read
      }
    }, 25);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ stdout, wallMs: performance.now() - started, peakRssMb: Math.round(peak), code });
    });
  });
}

const lastJson = <T>(text: string): T => JSON.parse(text.trim().split('\n').at(-1)!) as T;

type EngineRun = {
  photos: number; ingested: number; failed: number;
  immich: { uploaded: number; stacked: number; failed: number; waiting: number } | null;
  wallMs: number; cpuMs: number; peakRssMb: number; firstInImmichMs: number | null;
  loop: { p50: number; p99: number; max: number; worstWindowP99: number };
  rssAt: Record<string, number>;
  rssMedianAt: Record<string, number | null>;
  stages: Record<string, { finished: number; busyMs: number; cpuMs: number }>;
  idleCpuMs: number;
  focus: { photoId: number; queuedAnalyses: number; analysisMs: number | null; previewMs: number | null } | null;
};
type FloorRun = { photos: number; stages: Record<string, { ms: number; cpuMs: number; slots: number }>; totalMs: number; cropsFound: number; peakRssMb: number };

const work = await tempDir('lightbox-bench-pipeline-');
try {
  const inbox = path.join(work.path, 'inbox');
  const bytes = await makeInbox(inbox, PHOTOS);
  const storage = path.join(work.path, 'double');
  const rows: Array<Record<string, string | number>> = [];
  const stageRows: Array<Record<string, string | number>> = [];
  const floorRows: Array<Record<string, string | number>> = [];
  const bigRows: Array<Record<string, string | number>> = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    // --- the pipeline ---
    const library = path.join(work.path, `library-${round}`);
    let load = await quietMachine();
    let double = await startDouble(storage, KEY);
    const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values.profile)] : [];
    const engineArgs = [...profile, path.join(projectRoot, 'bench/pipeline-engine.ts'), '--inbox', inbox, '--library', library, '--url', double.url, '--key', KEY];
    if (BIG) engineArgs.push('--checkpoints', '200,1000', '--focus');
    const child = await run(engineArgs, armEnv());
    await double.stop();
    if (child.code !== 0) throw new Error(`the pipeline run failed (exit ${child.code})`);
    const e = lastJson<EngineRun>(child.stdout);
    const ok = e.ingested === PHOTOS && e.failed === 0 && e.immich?.uploaded === PHOTOS && e.immich.stacked === PHOTOS && e.immich.failed === 0;
    if (!ok) console.error(`round ${round}: not every photo went through: ${JSON.stringify({ ingested: e.ingested, failed: e.failed, immich: e.immich })}`);
    const pipelineRow = {
      round,
      arm: 'lightbox process --upload both',
      'load 1m': load,
      'wall s': e.wallMs / 1000,
      'photos/s': PHOTOS / (e.wallMs / 1000),
      'CPU s': e.cpuMs / 1000,
      'peak RSS MB': Math.max(e.peakRssMb, child.peakRssMb),
      'first in Immich s': e.firstInImmichMs === null ? '-' : e.firstInImmichMs / 1000,
      'loop p99 ms': `${e.loop.p99.toFixed(0)} (worst 10 s: ${e.loop.worstWindowP99.toFixed(0)}, max ${e.loop.max.toFixed(0)})`,
      'uploaded+stacked': `${e.immich?.uploaded ?? 0}/${e.immich?.stacked ?? 0}`,
      'x floor': '',
    };
    rows.push(pipelineRow);
    for (const [kind, s] of Object.entries(e.stages)) {
      stageRows.push({ round, stage: kind, jobs: s.finished, 'busy s': s.busyMs / 1000, 'CPU s': s.cpuMs / 1000, 'CPU s/photo': s.cpuMs / 1000 / PHOTOS });
    }
    stageRows.push({ round, stage: '(no job running)', jobs: '', 'busy s': '', 'CPU s': e.idleCpuMs / 1000, 'CPU s/photo': e.idleCpuMs / 1000 / PHOTOS });
    if (BIG) {
      const at200 = e.rssAt['200'], at1000 = e.rssAt['1000'];
      const change = (from: number | null | undefined, to: number | null | undefined) => `${from ?? '-'} / ${to ?? '-'}${from && to ? ` (${(((to - from) / from) * 100).toFixed(1)} %)` : ''}`;
      bigRows.push({ round, measure: 'RSS at photo 200 / 1000 (MB)', value: change(at200, at1000), target: '±10 %' });
      bigRows.push({ round, measure: 'RSS, median of uploads 180-220 / 980-1000 (MB)', value: change(e.rssMedianAt['200'], e.rssMedianAt['1000']), target: '±10 %' });
      const f = e.focus;
      bigRows.push({ round, measure: f ? `open photo ${f.photoId} with ${f.queuedAnalyses} analyses queued: analysis / preview (s)` : 'open a photo', value: f ? `${f.analysisMs === null ? '-' : (f.analysisMs / 1000).toFixed(2)} / ${f.previewMs === null ? '-' : (f.previewMs / 1000).toFixed(2)}` : '-', target: '<= 1.5' });
    }

    // --- the floor, with the crops the pipeline's recipes got ---
    if (!values['no-floor']) {
      load = await quietMachine();
      double = await startDouble(storage, KEY);
      const floorChild = await run([path.join(projectRoot, 'bench/pipeline-floor.ts'), '--inbox', inbox, '--out', path.join(work.path, `floor-${round}`), '--url', double.url, '--key', KEY, '--library', library], armEnv());
      await double.stop();
      if (floorChild.code !== 0) throw new Error(`the floor run failed (exit ${floorChild.code})`);
      const f = lastJson<FloorRun>(floorChild.stdout);
      rows.push({ round, arm: 'floor: bare calls, stage after stage', 'load 1m': load, 'wall s': f.totalMs / 1000, 'photos/s': PHOTOS / (f.totalMs / 1000), 'CPU s': Object.values(f.stages).reduce((a, s) => a + s.cpuMs, 0) / 1000, 'peak RSS MB': floorChild.peakRssMb, 'first in Immich s': '-', 'loop p99 ms': '-', 'uploaded+stacked': '', 'x floor': 1 });
      pipelineRow['x floor'] = (f.totalMs / e.wallMs).toFixed(2);
      for (const [name, s] of Object.entries(f.stages)) floorRows.push({ round, 'floor stage': name, slots: s.slots, 's': s.ms / 1000, 'CPU s': s.cpuMs / 1000, 'CPU s/photo': s.cpuMs / 1000 / PHOTOS });
    }

    // --- the Immich CLI, originals only ---
    if (!values['no-cli']) {
      load = await quietMachine();
      double = await startDouble(storage, KEY);
      const config = path.join(work.path, `immich-cli-${round}`);
      await mkdir(config, { recursive: true });
      const cli = await run([path.join(projectRoot, 'node_modules/@immich/cli/bin/immich'), 'upload', '--recursive', inbox], { IMMICH_INSTANCE_URL: double.url, IMMICH_API_KEY: KEY, IMMICH_CONFIG_DIR: config });
      await double.stop();
      const said = /Successfully uploaded (\d+) new assets/.exec(cli.stdout)?.[1] ?? '?';
      rows.push({ round, arm: '@immich/cli 3.2.2 upload (originals only)', 'load 1m': load, 'wall s': cli.wallMs / 1000, 'photos/s': PHOTOS / (cli.wallMs / 1000), 'CPU s': '-', 'peak RSS MB': cli.peakRssMb, 'first in Immich s': '-', 'loop p99 ms': '-', 'uploaded+stacked': `${said}/0`, 'x floor': '' });
    }
  }
  const title = `${PHOTOS} camera JPEGs (${(bytes / 1e6).toFixed(0)} MB) -> Immich double on loopback; ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? ''}`;
  printTable(`Whole pipeline: ${title}`, rows);
  printTable('Pipeline per stage (CPU of every thread, shared out among the jobs running at each moment)', stageRows);
  if (floorRows.length) printTable('Floor per stage (each stage alone, bare library calls)', floorRows);
  if (bigRows.length) printTable(`${PHOTOS}-photo drop`, bigRows);
  console.log('\nTargets on 2 cores: pipeline >= 0.75 x floor; 36 photos <= 11 s; peak RSS <= 600 MB; event-loop p99 <= 50 ms; RSS at photo 1000 within 10 % of photo 200; an opened photo analysed with its preview <= 1.5 s.');
} finally {
  await work.cleanup();
}
