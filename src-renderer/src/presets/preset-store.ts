import { create } from 'zustand';
import { ApiError, type Preset, type Unsubscribe } from '../contract.ts';
import type { Transport } from '../transport/index.ts';

/** A running "apply preset to N photos": which photos got the preset's recipe, which were rendered. */
export type ApplyRun = { presetName: string; ids: ReadonlySet<number>; applied: ReadonlySet<number>; rendered: ReadonlySet<number>; queued: number };

export type PresetState = {
  presets: Preset[];
  /** Open dialog: manage, or save from the loupe photo. */
  dialog: null | 'manage' | 'save';
  run: ApplyRun | null;
  error: string | null;
  set(patch: Partial<Omit<PresetState, 'set'>>): void;
};

export const usePresets = create<PresetState>()((set) => ({ presets: [], dialog: null, run: null, error: null, set: (patch) => set(patch) }));

export function failed(error: unknown, fallback: string): void {
  usePresets.getState().set({ error: error instanceof ApiError ? error.message : fallback });
}

export async function loadPresets(transport: Transport): Promise<void> {
  try {
    usePresets.getState().set({ presets: await transport.call('presets.list', {}) });
  } catch (error) {
    failed(error, 'The presets could not be loaded. Check the connection and open the dialog again.');
  }
}

/**
 * The progress bar counts a photo once its recipe changed after the apply (the preset is in it) and
 * once its render is done. The ids are known before the call returns, so no early event is missed.
 */
export function followApplyProgress(transport: Transport): Unsubscribe {
  const mark = (photoId: number, field: 'applied' | 'rendered') => {
    const { run } = usePresets.getState();
    if (!run || !run.ids.has(photoId) || run[field].has(photoId)) return;
    usePresets.getState().set({ run: { ...run, [field]: new Set([...run[field], photoId]) } });
  };
  const offRecipe = transport.on('recipe.changed', (p) => {
    const run = usePresets.getState().run;
    if (run && p.recipe.steps.some((s) => s.source.startsWith('preset:'))) mark(p.photoId, 'applied');
  });
  const offRender = transport.on('render.done', (p) => mark(p.photoId, 'rendered'));
  return () => {
    offRecipe();
    offRender();
  };
}

export async function applyPreset(transport: Transport, preset: Preset, photoIds: number[]): Promise<void> {
  if (photoIds.length === 0) return;
  usePresets.getState().set({ run: { presetName: preset.name, ids: new Set(photoIds), applied: new Set(), rendered: new Set(), queued: 0 }, error: null });
  try {
    const { queued } = await transport.call('presets.apply', { presetId: preset.id, photoIds });
    const run = usePresets.getState().run;
    if (run) usePresets.getState().set({ run: { ...run, queued } });
  } catch (error) {
    usePresets.getState().set({ run: null });
    failed(error, 'The preset was not applied. Check the connection and try again.');
  }
}
