import { etaText, STAGE_SHORT, type Api, type BatchProgress, type PhotoStage } from '../contract/index.ts';

/** What `lightbox process` prints while it works; `log` writes a line of its own without breaking the display. */
export type ProcessProgress = { log(text: string): void; stop(): void };

const BAR_CELLS = 24;
/** At most this many redraws a second: a terminal repaint costs more than the stats event behind it. */
const REDRAW_MS = 200;

/** One line: bar, percent, each stage's done/total, time left; cut to the terminal's width. */
export function barLine(progress: BatchProgress | undefined, width: number): string {
  if (!progress) return '';
  const filled = Math.round(progress.fraction * BAR_CELLS);
  const stages = progress.stages.map((s) => `${STAGE_SHORT[s.kind]} ${s.done}/${s.total}`).join(' · ');
  const text = `[${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}] ${String(Math.round(progress.fraction * 100)).padStart(3)} %  ${stages} · ${etaText(progress.etaSeconds)}`;
  return [...text].slice(0, Math.max(10, width - 1)).join('');
}

/** On a terminal: one live line redrawn in place from the queue's progress. */
export function liveBar(api: Api, out: NodeJS.WriteStream): ProcessProgress {
  let current = '';
  let lastDraw = 0;
  let pending: NodeJS.Timeout | null = null;
  let latest: BatchProgress | undefined;
  let stopped = false;
  const draw = () => {
    pending = null;
    lastDraw = Date.now();
    current = barLine(latest, out.columns || 100);
    out.write(`\r\x1b[2K${current}`);
  };
  const off = api.on('queue.stats', (stats) => {
    // The last stats of a batch are idle (no progress): keep showing where it ended.
    if (stats.progress) latest = stats.progress;
    if (pending) return;
    pending = setTimeout(draw, Math.max(0, lastDraw + REDRAW_MS - Date.now()));
  });
  return {
    log(text) {
      out.write(`\r\x1b[2K${text}\n${current}`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      off();
      if (pending) clearTimeout(pending);
      if (latest) draw();
      if (current) out.write('\n');
    },
  };
}

/**
 * Without a terminal (a log file, a pipe): one line per photo, once it is through the run (uploaded,
 * waiting for review, rendered) or has failed, saying where it ended. A photo that ends anywhere
 * else (analysed with nothing to propose) gets its line when the run is over.
 */
export function photoLines(api: Api, write: (text: string) => void, uploading: boolean): ProcessProgress {
  const finals: ReadonlySet<PhotoStage> = new Set<PhotoStage>(uploading ? ['uploaded', 'failed'] : ['needs-review', 'rendered', 'uploaded', 'failed']);
  const printed = new Map<number, PhotoStage>();
  const last = new Map<number, { name: string; stage: PhotoStage }>();
  const say = (id: number, name: string, stage: PhotoStage, detail: string) => {
    printed.set(id, stage);
    write(`${name}: ${stage}${detail}`);
  };
  const offs = [
    api.on('photo.changed', (photo) => {
      last.set(photo.id, { name: photo.fileName, stage: photo.stage });
      const before = printed.get(photo.id);
      // One line per photo; another only when a failure turned into success or the other way round.
      if (!finals.has(photo.stage) || (before !== undefined && (before === 'failed') === (photo.stage === 'failed'))) return;
      say(photo.id, photo.fileName, photo.stage, photo.error ? ` - ${photo.error.code}` : '');
    }),
    // An upload's own failure (a refused file) is on its record, not the photo's error.
    api.on('upload.progress', (p) => {
      if (p.state !== 'failed' || !p.error || printed.get(p.photoId) === 'failed') return;
      say(p.photoId, last.get(p.photoId)?.name ?? `photo ${p.photoId}`, 'failed', ` - upload ${p.error.code}: ${p.error.message}`);
    }),
  ];
  return {
    log: write,
    stop() {
      for (const off of offs.splice(0)) off();
      for (const [id, { name, stage }] of last) if (!printed.has(id)) say(id, name, stage, '');
    },
  };
}

/**
 * `--verbose`: a line for every stage a photo enters and every upload state and step, as they
 * happen (what the chaos test times its kills by, and what to read when a run does something odd).
 */
export function eventLines(api: Api, write: (text: string) => void): ProcessProgress {
  const names = new Map<number, string>();
  const offs = [
    api.on('photo.changed', (photo) => {
      names.set(photo.id, photo.fileName);
      write(`${photo.fileName}: ${photo.stage}${photo.error ? ` - ${photo.error.code}` : ''}`);
    }),
    // Byte progress is left to the bar and the UI.
    api.on('upload.progress', (p) => {
      if (p.state === 'uploading' && p.step === null && p.bytesSent > 0) return;
      const name = names.get(p.photoId) ?? `photo ${p.photoId}`;
      write(`${name}: upload ${p.state}${p.step ? ` ${p.step}` : ''}${p.error ? ` - ${p.error.code}: ${p.error.message}` : ''}`);
    }),
  ];
  return {
    log: write,
    stop() {
      for (const off of offs.splice(0)) off();
    },
  };
}
