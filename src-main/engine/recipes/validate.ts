import type { ZodType } from 'zod';
import { Preset, RECIPE_SCHEMA_VERSION, Recipe, RecipeStep } from '../../contract/recipe.ts';
import type { RecipeValidationError } from '../../contract/recipe.ts';
import { RecipeError, formatPath } from './recipe-error.ts';
import { getOp, opNames } from './registry.ts';

type Problems = RecipeValidationError[];

function collect(problems: Problems, prefix: ReadonlyArray<PropertyKey>, schema: ZodType, value: unknown): { ok: true; data: unknown } | { ok: false } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data };
  for (const issue of r.error.issues) problems.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
  return { ok: false };
}

/**
 * Checks one step's params against its op's schema FOR ITS VERSION, then migrates them one version
 * at a time to the current one (re-validating after every migration, so a broken migration is caught
 * here and not in the renderer). Returns the step at the current version, or undefined on problems.
 */
function upgradeStep(raw: RecipeStep, index: number, problems: Problems, base: ReadonlyArray<PropertyKey>): RecipeStep | undefined {
  const at = [...base, index];
  const mod = getOp(raw.op);
  if (!mod) {
    problems.push({ path: formatPath([...at, 'op']), message: `unknown op "${raw.op}" (this Lightbox knows: ${opNames().join(', ')})` });
    return undefined;
  }
  if (raw.v > mod.version) {
    problems.push({
      path: formatPath([...at, 'v']),
      message: `"${raw.op}" v${raw.v} was made by a newer Lightbox; this version knows up to v${mod.version}. Update Lightbox to use this step.`,
    });
    return undefined;
  }
  const first = collect(problems, [...at, 'params'], mod.schemas[raw.v]!, raw.params);
  if (!first.ok) return undefined;
  let params = first.data;
  for (let v = raw.v; v < mod.version; v++) {
    const next = collect(problems, [...at, 'params'], mod.schemas[v + 1]!, mod.migrate[v]!(params as never));
    if (!next.ok) {
      problems.push({ path: formatPath([...at, 'v']), message: `could not migrate "${raw.op}" from v${v} to v${v + 1}` });
      return undefined;
    }
    params = next.data;
  }
  return { ...raw, v: mod.version, params };
}

function upgradeSteps(steps: Array<RecipeStep | null>, problems: Problems, base: ReadonlyArray<PropertyKey>): RecipeStep[] {
  return steps.map((s, i) => (s ? upgradeStep(s, i, problems, base) : undefined)).filter((s): s is RecipeStep => s !== undefined);
}

function rejectFutureSchema(json: unknown): void {
  const schema = typeof json === 'object' && json !== null ? (json as { schema?: unknown }).schema : undefined;
  if (typeof schema === 'number' && schema > RECIPE_SCHEMA_VERSION) {
    throw new RecipeError('recipe-too-new', [
      {
        path: 'schema',
        message: `This recipe was made by a newer Lightbox (recipe schema ${schema}); this version reads schema ${RECIPE_SCHEMA_VERSION}. Update Lightbox to open it.`,
      },
    ]);
  }
}

/**
 * Validates a stored recipe (envelope, every step's params for its own version) and returns it with
 * every step migrated to its op's current version. Throws one RecipeError listing every problem.
 */
export function parseRecipe(json: unknown): Recipe {
  rejectFutureSchema(json);
  const problems: Problems = [];
  const envelope = collect(problems, [], Recipe, json);
  // Steps are checked even when the envelope has problems elsewhere, so one pass reports everything.
  const rawSteps = envelope.ok ? (envelope.data as Recipe).steps : stepsForReport(json);
  const steps = upgradeSteps(rawSteps, problems, ['steps']);
  if (problems.length > 0 || !envelope.ok) throw new RecipeError('invalid-recipe', problems);
  return { ...(envelope.data as Recipe), steps };
}

/** Same for a preset: a recipe without an original. */
export function parsePreset(json: unknown): Preset {
  const problems: Problems = [];
  const envelope = collect(problems, [], Preset, json);
  const rawSteps = envelope.ok ? (envelope.data as Preset).steps : stepsForReport(json);
  const steps = upgradeSteps(rawSteps, problems, ['steps']);
  if (problems.length > 0 || !envelope.ok) throw new RecipeError('invalid-recipe', problems);
  return { ...(envelope.data as Preset), steps };
}

/** The steps that are well-formed enough to check their params, when the envelope as a whole is not. */
function stepsForReport(json: unknown): Array<RecipeStep | null> {
  const steps = typeof json === 'object' && json !== null ? (json as { steps?: unknown }).steps : undefined;
  if (!Array.isArray(steps)) return [];
  // A malformed step is already reported by the envelope check; null keeps the indexes aligned.
  return steps.map((s) => {
    const r = RecipeStep.safeParse(s);
    return r.success ? r.data : null;
  });
}
