import { z } from 'zod';
import { VerifyChecked, VerifyProblem } from '../../contract/index.ts';

const Id = z.number().int().nonnegative();
const OriginalRowSchema = z.object({ photoId: Id, path: z.string(), sha256: z.string(), bytes: Id, fileName: z.string() });
const RenderRowSchema = z.object({ id: Id, photoId: Id, revision: Id, target: z.string(), path: z.string(), sha256: z.string(), bytes: Id, current: z.boolean() });

/**
 * How far a check of the library got: every original up to photo `originalsUpTo` and every
 * processed file up to render `rendersUpTo` was hashed, with what that found. Kept in the library
 * while a scheduled check runs, so one that is stopped (the app closed, the laptop slept) goes on
 * from there instead of reading terabytes again from the start. What it found is re-checked at the
 * end like the rest (a render pruned since is no longer a problem).
 */
export const ScanCheckpoint = z.object({
  startedAt: z.string(),
  originalsUpTo: Id,
  rendersUpTo: Id,
  checked: VerifyChecked.pick({ originals: true, processed: true, bytes: true }),
  findings: z.array(VerifyProblem.extend({ original: OriginalRowSchema.optional(), render: RenderRowSchema.optional() })),
});
export type ScanCheckpoint = z.infer<typeof ScanCheckpoint>;

/**
 * The highest id below which every item is done, for items done out of order (two files are hashed
 * at once). `ids` must be ascending, as the inventory reads them.
 */
export class Watermark {
  readonly #ids: readonly number[];
  readonly #done = new Set<number>();
  #next = 0;
  #upTo: number;

  constructor(ids: readonly number[], start: number) {
    this.#ids = ids;
    this.#upTo = start;
  }

  done(index: number): void {
    this.#done.add(index);
    while (this.#done.has(this.#next)) {
      this.#done.delete(this.#next);
      this.#upTo = this.#ids[this.#next]!;
      this.#next++;
    }
  }

  get upTo(): number {
    return this.#upTo;
  }
}
