import { create } from 'zustand';
import type { Box, PhotoAnalysis, PhotoRecipe, RecipeStep, RecipeStepInput } from '../contract.ts';

export type CropBox = Box & { angle: number };
export type Preview = { dataUrl: string; width: number; height: number; ms: number; photoId: number };

/**
 * State of the loupe's editor for the one open photo: the stored recipe (as the engine last told
 * us), a draft of steps while a slider moves (shown through render.preview, not stored), the crop
 * being edited in crop mode, and the view toggles. Everything resets when another photo opens.
 */
export type EditorState = {
  photoId: number | null;
  stored: PhotoRecipe | null;
  /** Active steps while a control is being dragged; null when the stored recipe is what shows. */
  draft: RecipeStepInput[] | null;
  preview: Preview | null;
  analysis: PhotoAnalysis | null;
  cropMode: boolean;
  /** The crop edited in crop mode, not stored until Enter or leaving crop mode. */
  cropDraft: CropBox | null;
  /** Pixel width / height the crop is locked to, or null for free. */
  aspect: number | null;
  aspectName: string;
  before: boolean;
  split: number | null;
  boxes: boolean;
  busy: boolean;
  error: string | null;

  reset(photoId: number | null): void;
  set(patch: Partial<Omit<EditorState, 'reset' | 'set'>>): void;
};

const BLANK = {
  stored: null,
  draft: null,
  preview: null,
  analysis: null,
  cropMode: false,
  cropDraft: null,
  aspect: null,
  aspectName: 'free',
  before: false,
  split: null,
  boxes: false,
  busy: false,
  error: null,
};

export const useEditor = create<EditorState>()((set) => ({
  photoId: null,
  ...BLANK,
  reset: (photoId) => set({ photoId, ...BLANK }),
  set: (patch) => set(patch),
}));

/** The steps in force: the draft while editing, else the stored recipe's active part (the redo tail excluded). */
export function activeSteps(state: Pick<EditorState, 'draft' | 'stored'>): Array<RecipeStep | RecipeStepInput> {
  if (state.draft) return state.draft;
  if (!state.stored) return [];
  return state.stored.recipe.steps.slice(0, state.stored.recipe.end);
}

/** Index of the crop step the photographer reviews: the one waiting for review, else the last crop. */
export function cropStepIndex(steps: ReadonlyArray<RecipeStep | RecipeStepInput>): number {
  const waiting = steps.findIndex((s) => s.op === 'crop' && s.needsReview);
  if (waiting >= 0) return waiting;
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.op === 'crop') return i;
  return -1;
}

export function cropOf(step: RecipeStep | RecipeStepInput | undefined): CropBox {
  const p = (step?.params ?? {}) as Partial<CropBox>;
  return { x: p.x ?? 0, y: p.y ?? 0, w: p.w ?? 1, h: p.h ?? 1, angle: p.angle ?? 0 };
}

export function needsReview(stored: PhotoRecipe | null): boolean {
  return !!stored && stored.recipe.steps.slice(0, stored.recipe.end).some((s) => s.needsReview);
}
