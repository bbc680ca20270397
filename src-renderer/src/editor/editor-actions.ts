import { ApiError, isAutoEnhanceSource, type PhotoRecipe, type RecipeStep, type RecipeStepInput, type Unsubscribe } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { activeSteps, cropOf, cropStepIndex, useEditor, type CropBox } from './editor-store.ts';

const say = (error: unknown, fallback: string) => useEditor.getState().set({ error: error instanceof ApiError ? error.message : fallback });

/** Steps as sent to the engine: only the envelope's fields, so a stored step round-trips unchanged. */
function plain(step: RecipeStep | RecipeStepInput): RecipeStepInput {
  return { ...step };
}

/**
 * What the preview shows. In crop mode, split view and with the faces/objects boxes the geometry
 * steps are switched off: overlays and the "before" half are drawn over the whole, uncropped frame.
 */
function previewSteps(): RecipeStepInput[] {
  const state = useEditor.getState();
  const steps = activeSteps(state).map(plain);
  if (!state.cropMode && state.split === null && !state.boxes) return steps;
  return steps.map((s) => (s.op === 'crop' || s.op === 'rotate' ? { ...s, enabled: false } : s));
}

/**
 * render.preview with at most one request in flight: while one runs, later changes only mark the
 * preview stale, and the newest state is sent when it returns (slider drags coalesce to that).
 */
function createPreviewer(transport: Transport) {
  let inFlight = false;
  let stale = false;
  const run = async (): Promise<void> => {
    if (inFlight) {
      stale = true;
      return;
    }
    const photoId = useEditor.getState().photoId;
    if (photoId === null) return;
    inFlight = true;
    stale = false;
    useEditor.getState().set({ busy: true });
    try {
      const steps = previewSteps();
      const result = await transport.call('render.preview', { photoId, steps, end: steps.length });
      if (useEditor.getState().photoId === photoId) useEditor.getState().set({ preview: { ...result, photoId } });
    } catch (error) {
      say(error, 'The preview could not be made. Check the connection and try the change again.');
    } finally {
      inFlight = false;
      if (stale) void run();
      else useEditor.getState().set({ busy: false });
    }
  };
  return run;
}

function applyStored(result: PhotoRecipe): void {
  const state = useEditor.getState();
  // No revision ordering here: undo legitimately answers with an older revision.
  if (state.photoId !== result.photoId) return;
  state.set({ stored: result, draft: null, error: null });
}

/**
 * A recipe.changed from the engine (often the echo of our own store): a draft the photographer is
 * still typing or dragging stays on top of it, and its commit is built on the newest stored recipe.
 */
function applyEcho(result: PhotoRecipe): void {
  const state = useEditor.getState();
  if (state.photoId !== result.photoId) return;
  if (state.draft) state.set({ stored: result });
  else applyStored(result);
}

/** Loads the open photo's recipe and analysis, follows live changes, and keeps the preview current. */
export function followEditor(transport: Transport, photoId: number): Unsubscribe {
  useEditor.getState().reset(photoId);
  const preview = createPreviewer(transport);
  transport.call('recipe.get', { photoId }).then(applyStored, (e: unknown) => say(e, 'The recipe could not be loaded.'));
  const loadAnalysis = () =>
    transport.call('analysis.get', { photoId }).then(
      (analysis) => useEditor.getState().photoId === photoId && useEditor.getState().set({ analysis }),
      () => {
        // No analysis yet is normal for a new photo; analysis.changed brings it.
      },
    );
  void loadAnalysis();
  const offRecipe = transport.on('recipe.changed', (payload) => {
    if (payload.photoId !== photoId || storing()) return;
    transport.call('recipe.get', { photoId }).then((result) => !storing() && applyEcho(result), () => undefined);
  });
  const offAnalysis = transport.on('analysis.changed', (payload) => payload.photoId === photoId && payload.status === 'completed' && void loadAnalysis());
  const offStore = useEditor.subscribe((s, p) => {
    if (s.photoId !== photoId) return;
    if (s.stored !== p.stored || s.draft !== p.draft || s.cropMode !== p.cropMode || (s.split === null) !== (p.split === null) || s.boxes !== p.boxes) void preview();
  });
  return () => {
    offRecipe();
    offAnalysis();
    offStore();
  };
}

/**
 * Stores are sent one after another and only the newest one's answer ends the draft: a photographer
 * who picks a format and ticks a box within the same round trip keeps both (the first answer alone
 * would put the older recipe back, and the next edit would be built on it and drop the second).
 */
let storeChain: Promise<unknown> = Promise.resolve();
let storesIssued = 0;
let storesSettled = 0;

function store(transport: Transport, steps: RecipeStepInput[]): Promise<PhotoRecipe | null> {
  const { photoId } = useEditor.getState();
  if (photoId === null) return Promise.resolve(null);
  const ticket = ++storesIssued;
  const run = async (): Promise<PhotoRecipe | null> => {
    try {
      const result = await transport.call('recipe.update', { photoId, steps });
      // The draft ends only if it is still what was sent: a field typed into meanwhile stays.
      const { draft } = useEditor.getState();
      if (ticket === storesIssued && (draft === null || draft === steps)) applyStored(result);
      else if (useEditor.getState().photoId === result.photoId) useEditor.getState().set({ stored: result });
      return result;
    } catch (error) {
      if (ticket === storesIssued) useEditor.getState().set({ draft: null });
      say(error, 'The change was not saved. Check the connection and make it again.');
      return null;
    } finally {
      storesSettled = ticket;
    }
  };
  const result = storeChain.then(run);
  storeChain = result;
  return result;
}

/** A store of ours is still on its way: a recipe.changed echo must not replace the newer draft. */
const storing = () => storesSettled !== storesIssued;

export const editSteps = {
  /** While dragging: only the preview changes. */
  draft(steps: RecipeStepInput[]): void {
    useEditor.getState().set({ draft: steps });
  },
  commit(transport: Transport, steps: RecipeStepInput[]): Promise<PhotoRecipe | null> {
    useEditor.getState().set({ draft: steps });
    return store(transport, steps);
  },
  current(): RecipeStepInput[] {
    return activeSteps(useEditor.getState()).map(plain);
  },
};

export async function undoRedo(transport: Transport, which: 'recipe.undo' | 'recipe.redo'): Promise<void> {
  const { photoId, stored } = useEditor.getState();
  if (photoId === null || !stored || !(which === 'recipe.undo' ? stored.canUndo : stored.canRedo)) return;
  try {
    applyStored(await transport.call(which, { photoId }));
  } catch (error) {
    say(error, 'Undo/redo failed. Check the connection and try again.');
  }
}

/** The crop edited in crop mode, written into the recipe (an AI step keeps its source and stays up for review). */
export async function storeCropDraft(transport: Transport): Promise<boolean> {
  const { cropDraft } = useEditor.getState();
  if (!cropDraft) return true;
  const steps = editSteps.current();
  const index = cropStepIndex(steps);
  const before = index >= 0 ? cropOf(steps[index]) : null;
  useEditor.getState().set({ cropDraft: null });
  const same = (a: CropBox) => (['x', 'y', 'w', 'h', 'angle'] as const).every((k) => Math.abs(a[k] - cropDraft[k]) < 1e-6);
  // Unchanged, or a full frame where there was no crop: nothing to store.
  if (same(before ?? { x: 0, y: 0, w: 1, h: 1, angle: 0 })) return true;
  const params = roundCrop(cropDraft);
  if (index >= 0) steps[index] = { ...steps[index]!, params, enabled: true };
  else steps.unshift({ op: 'crop', v: 2, enabled: true, params, source: 'user' });
  return (await store(transport, steps)) !== null;
}

function roundCrop(c: CropBox): CropBox {
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  const x = Math.min(1, Math.max(0, r(c.x)));
  const y = Math.min(1, Math.max(0, r(c.y)));
  return { x, y, w: Math.min(1 - x, r(c.w)), h: Math.min(1 - y, r(c.h)), angle: r(c.angle) };
}

/** Enter: store an edited crop, then accept what waits for review (the engine queues the final render). */
export async function approve(transport: Transport): Promise<void> {
  const { photoId } = useEditor.getState();
  if (photoId === null) return;
  if (!(await storeCropDraft(transport))) return;
  try {
    applyStored(await transport.call('recipe.approve', { photoId }));
    useEditor.getState().set({ cropMode: false });
  } catch (error) {
    say(error, 'The photo was not approved. Check the connection and press Enter again.');
  }
}

/** Backspace/Delete: drop the AI crop waiting for review (the photo keeps its other steps). */
export async function rejectAiCrop(transport: Transport): Promise<void> {
  const steps = editSteps.current();
  const index = steps.findIndex((s) => s.op === 'crop' && s.needsReview);
  if (index < 0) return;
  steps.splice(index, 1);
  useEditor.getState().set({ cropDraft: null, cropMode: false });
  await store(transport, steps);
}

/** One AI chip accepted or turned down in the recipe panel: one undoable edit on the engine's side. */
export async function decideStep(transport: Transport, index: number, decision: 'approve' | 'reject'): Promise<void> {
  const { photoId } = useEditor.getState();
  if (photoId === null) return;
  try {
    applyStored(await transport.call('recipe.decideStep', { photoId, index, decision }));
  } catch (error) {
    say(error, `The step was not ${decision === 'approve' ? 'accepted' : 'turned down'}. Check the connection and try again.`);
  }
}

/** "Auto-enhance" for the open photo: its tone and colour proposals go into the recipe (or it is analysed first). */
export async function autoEnhance(transport: Transport): Promise<string | null> {
  const { photoId } = useEditor.getState();
  if (photoId === null) return null;
  try {
    const { proposed, queued, unchanged, skipped } = await transport.call('enhance.auto', { photoIds: [photoId] });
    if (skipped.length) return `Not enhanced: ${skipped[0]!.reason}.`;
    if (queued) return 'Analysing the photo first; its proposals follow.';
    if (proposed || !unchanged) return null;
    // Unchanged also when the analysis already put its proposals in the recipe: "nothing to change"
    // read as if those steps were not the AI's.
    const already = activeSteps(useEditor.getState()).some((s) => isAutoEnhanceSource(s.source));
    return already ? "Auto-enhance's proposals are already in the recipe." : 'Auto-enhance has nothing to change on this photo.';
  } catch (error) {
    say(error, 'Auto-enhance did not run. Check the connection and try again.');
    return null;
  }
}

export async function toggleCropMode(transport: Transport): Promise<void> {
  const state = useEditor.getState();
  if (state.cropMode) {
    await storeCropDraft(transport);
    useEditor.getState().set({ cropMode: false });
  } else {
    const steps = activeSteps(state);
    state.set({ cropMode: true, split: null, before: false, cropDraft: cropOf(steps[cropStepIndex(steps)]) });
  }
}
