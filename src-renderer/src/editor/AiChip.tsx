import type { RecipeStep, RecipeStepInput } from '../contract.ts';

/** `ai:auto-enhance@1` -> "Auto-enhance", `ai:crop-proposals@1` -> "Crop proposals". */
function modelName(source: string): string {
  const id = source.replace(/^ai:/, '').replace(/@.*$/, '');
  return id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/**
 * The chip an AI step wears in the recipe panel: "AI" and how sure the model was, the model and its
 * reason on hover. A preset's AI step waiting to be recomputed for this photo says so instead.
 */
export function AiChip({ step }: { step: RecipeStep | RecipeStepInput }) {
  const confidence = typeof step.confidence === 'number' ? Math.round(step.confidence * 100) : null;
  const title = [`${modelName(step.source)} (${step.source})`, step.reason].filter(Boolean).join(': ');
  if (step.recompute) {
    return (
      <span className="badge source-ai" title={`${title}. Computed for this photo once its analysis is done.`}>
        AI · adaptive
      </span>
    );
  }
  return (
    <span className="badge source-ai ai-chip" title={title} aria-label={`AI step${confidence === null ? '' : `, ${confidence} % confidence`}`}>
      AI{confidence === null ? '' : ` ${confidence} %`}
    </span>
  );
}
