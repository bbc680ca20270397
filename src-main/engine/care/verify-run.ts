import { isVerifyError, type VerifyReport } from '../../contract/index.ts';
import { rebuildThumbnails } from './rebuild-thumbnails.ts';
import { repairFindings, type RepairDeps } from './repair-library.ts';
import { scanLibrary, toProblem, type Finding, type ScanOptions } from './verify-library.ts';

/**
 * One whole check (`lightbox verify`, the scheduled check, the end of a restore): scan, then with
 * `repair` fix what can be fixed and remake missing thumbnails. `problems` is what is still wrong.
 */
export async function verifyLibrary(deps: RepairDeps, options: ScanOptions & { repair?: boolean } = {}): Promise<VerifyReport> {
  // Resumed, the check began when the stopped one did.
  const startedAt = options.resume?.startedAt ?? new Date().toISOString();
  const { findings, checked } = await scanLibrary(deps, options);
  let remaining: Finding[] = findings;
  let repaired: VerifyReport['repaired'] = [];
  let thumbnails = 0;
  if (options.repair) {
    options.progress?.({ phase: 'repair', filesDone: 0, filesTotal: findings.length, bytesDone: 0, bytesTotal: 0 });
    ({ repaired, remaining } = await repairFindings(deps, findings, options.signal));
    thumbnails = await rebuildThumbnails(deps, options.signal);
  }
  const problems = remaining.map(toProblem);
  return { ok: !problems.some(isVerifyError), startedAt, finishedAt: new Date().toISOString(), checked, problems, repaired, rebuilt: { thumbnails } };
}
