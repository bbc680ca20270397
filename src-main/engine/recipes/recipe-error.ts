import type { ErrorCode } from '../../contract/errors.ts';
import type { RecipeValidationError } from '../../contract/recipe.ts';

/**
 * Thrown when a stored recipe cannot be used. It lists EVERY problem found, each with a path into
 * the JSON, so the UI (or a bug report) shows all of them at once instead of one per attempt.
 */
export class RecipeError extends Error {
  readonly code: ErrorCode;
  readonly problems: RecipeValidationError[];

  constructor(code: ErrorCode, problems: RecipeValidationError[]) {
    const head = code === 'recipe-too-new' ? problems[0]?.message ?? 'This recipe was made by a newer Lightbox.' : `This edit recipe cannot be used (${problems.length} problem${problems.length === 1 ? '' : 's'})`;
    const list = code === 'recipe-too-new' ? '' : `: ${problems.map((p) => `${p.path || '(recipe)'}: ${p.message}`).join('; ')}`;
    super(head + list);
    this.name = 'RecipeError';
    this.code = code;
    this.problems = problems;
  }
}

/** `['steps', 2, 'params', 'w']` -> `steps[2].params.w`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
