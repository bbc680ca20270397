import { useEffect } from 'react';
import { isTypingTarget } from '../format.ts';
import type { Transport } from '../transport/index.ts';
import { useUi } from '../ui-state.ts';
import { usePresets } from '../presets/preset-store.ts';
import { approve, rejectAiCrop, toggleCropMode, undoRedo } from './editor-actions.ts';
import { useEditor } from './editor-store.ts';

/**
 * The loupe's editing keys (Lightroom's): C crop, Enter approve, Backspace/Delete reject the AI crop,
 * \ before/after, Cmd/Ctrl+Z undo, Shift+Cmd/Ctrl+Z redo. Enter on a focused button stays the button's.
 */
export function useEditorKeys(transport: Transport, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target) || useUi.getState().help || usePresets.getState().dialog || event.altKey) return;
      const editor = useEditor.getState();
      const mod = event.ctrlKey || event.metaKey;
      if (mod && (event.key === 'z' || event.key === 'Z')) void undoRedo(transport, event.shiftKey ? 'recipe.redo' : 'recipe.undo');
      else if (mod) return;
      else if (event.key === 'c' || event.key === 'C') void toggleCropMode(transport);
      else if (event.key === 'Enter' && !(event.target instanceof HTMLButtonElement)) void approve(transport);
      else if (event.key === 'Backspace' || event.key === 'Delete') void rejectAiCrop(transport);
      else if (event.key === '\\') editor.set({ before: !editor.before });
      else if (event.key === 'Escape' && editor.cropMode) editor.set({ cropMode: false, cropDraft: null });
      else return;
      event.preventDefault();
      // Esc leaving crop mode must not also close the loupe.
      event.stopImmediatePropagation();
    };
    // Capture phase: the loupe's own Esc handler runs after this one.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [transport, active]);
}
