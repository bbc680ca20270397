/**
 * A `lightbox process --immich-url … --upload both --cover original` run that SIGKILLs itself at
 * an exact moment: when the engine announces the n-th matching event. The CLI prints one progress
 * line per such event (photo.changed, upload.progress), and a line is printed between two stored
 * writes (a job marked done, then what follows from it), so a kill here lands in exactly the
 * windows a SIGKILL timed from outside can only hit by luck.
 *
 * Run as a child: `node test-crash-at-event.ts <json Spec>`, key in IMMICH_API_KEY. Prints every
 * event as the CLI would, on stderr, and the run's summary on stdout when it was not killed.
 */
import { createEngine } from '../engine.ts';

export type CrashSpec = {
  dir: string;
  libraryDir: string;
  serverUrl: string;
  /** `stage:<stage>` (photo.changed) or `upload:<state>[ <step>]` (upload.progress); null: run to the end. */
  at: string | null;
  /** Kill at the n-th such event (1-based), counted from the start. */
  nth: number;
  /**
   * Then the photographer approves every photo's AI proposals (after a line `approve`), and the run
   * waits for what follows: the render of the approved recipe replacing the uploaded one.
   */
  approve?: boolean;
};

const spec = JSON.parse(process.argv[2]!) as CrashSpec;
const engine = await createEngine({
  libraryDir: spec.libraryDir,
  watchFolders: false,
  immich: { serverUrl: spec.serverUrl, apiKey: process.env['IMMICH_API_KEY'] ?? '', defaultUpload: { what: 'both', cover: 'original', albumName: 'Crash' } },
});
let seen = 0;
const event = (name: string) => {
  process.stderr.write(`${name}\n`);
  if (name === spec.at && ++seen === spec.nth) process.kill(process.pid, 'SIGKILL');
};
engine.api.on('photo.changed', (photo) => event(`stage:${photo.stage}`));
engine.api.on('upload.progress', (p) => {
  if (p.state === 'uploading' && p.step === null && p.bytesSent > 0) return;
  event(`upload:${p.state}${p.step ? ` ${p.step}` : ''}`);
});
const summary = await engine.processOnce([spec.dir]);
if (spec.approve) {
  process.stderr.write('approve\n');
  for (const photo of (await engine.api.call('photos.list', {})).photos) await engine.api.call('recipe.approve', { photoId: photo.id });
  await engine.whenIdle();
}
await engine.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
