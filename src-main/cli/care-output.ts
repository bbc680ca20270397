import { isVerifyError, type Api, type ByteProgress, type Unsubscribe, type VerifyReport } from '../contract/index.ts';
import { formatBytes } from '../engine/base/disk-space.ts';

/**
 * What `lightbox verify`, `backup` and `restore` print. A failure a photographer can act on (a care
 * error, a full disk) is `lightbox: code: message` and exit 1; anything else goes to cli.ts.
 */
export function careFailure(error: unknown, json: boolean): number {
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' && /^(disk-full|backup-|restore-|store-failed|hash-mismatch|file-vanished)/.test(code);
  if (!known) throw error;
  const message = (error as Error).message;
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  else console.error(`lightbox: ${code}: ${message}`);
  return 1;
}

export function printVerifyReport(report: VerifyReport): void {
  const c = report.checked;
  console.log(`Checked the database, ${c.originals} originals and ${c.processed} processed files (${formatBytes(c.bytes)} hashed), ${c.sidecars} sidecars, ${c.scanned} files for orphans.`);
  for (const r of report.repaired) console.log(`repaired  ${r.code.padEnd(18)} ${r.path}\n          ${r.action}`);
  if (report.rebuilt.thumbnails > 0) console.log(`rebuilt   ${report.rebuilt.thumbnails} missing thumbnail(s)`);
  for (const p of report.problems) console.log(`${isVerifyError(p) ? 'ERROR' : 'warn '}     ${p.code.padEnd(18)} ${p.path}\n          ${p.message}`);
  const errors = report.problems.filter(isVerifyError).length;
  const warnings = report.problems.length - errors;
  console.log(report.ok ? `OK${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}` : `${errors} error(s) remain${warnings ? `, ${warnings} warning(s)` : ''}${report.repaired.length === 0 ? '; "lightbox verify --repair" fixes what can be fixed' : ''}.`);
}

/** Progress on stderr: redrawn in place on a terminal, a line per 10 % when piped. */
export function progressLine(what: string): (p: ByteProgress) => void {
  const tty = process.stderr.isTTY;
  let lastStep = -1;
  return (p) => {
    const pct = p.filesTotal === 0 ? 100 : Math.floor((p.filesDone / p.filesTotal) * 100);
    const line = `${what}: ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} (${pct} %)`;
    if (tty) process.stderr.write(`\r${line.padEnd(78)}${p.filesDone === p.filesTotal ? '\n' : ''}`);
    else if (Math.floor(pct / 10) !== lastStep) process.stderr.write(`${line}\n`);
    lastStep = Math.floor(pct / 10);
  };
}

/** One line when work pauses for a full disk (naming the folder and its free space), one when it goes on. */
export function onPauses(api: Api, line: (text: string) => void): Unsubscribe {
  let before = '';
  return api.on('queue.stats', (stats) => {
    const paused = Object.entries(stats.paused ?? {}).map(([kind, reason]) => `  ${kind}: ${reason.code}: ${reason.message}`).join('\n');
    if (paused === before) return;
    line(paused ? `Paused, waiting for space:\n${paused}` : 'There is space again: carrying on.');
    before = paused;
  });
}
