import { useEffect, useRef } from 'react';
import { useUi } from '../ui-state.ts';

const KEYS: Array<[string, string]> = [
  ['← → ↑ ↓', 'Move between photos in the grid'],
  ['Shift + arrows / click', 'Extend the selection'],
  ['Ctrl/⌘ + click', 'Add or remove one photo'],
  ['Ctrl/⌘ + A', 'Select every photo the filters show'],
  ['Enter / double-click', 'Open the photo in the loupe'],
  ['← →  (loupe)', 'Previous / next photo'],
  ['Z', 'Zoom to 100 % and back'],
  ['1 – 5 / 0', 'Set stars / clear them (loupe photo, selection or focused photo)'],
  ['P / X / U', 'Pick / reject / unflag'],
  ['C  (loupe)', 'Crop mode on / off: drag the handles, pick an aspect or an AI proposal'],
  ['Enter  (loupe)', 'Approve the photo (stores an edited crop first); its final render is queued'],
  ['⌫ / Delete  (loupe)', 'Reject the AI crop waiting for review'],
  ['\\', 'Before / after'],
  ['Ctrl/⌘ + Z, Shift + Ctrl/⌘ + Z', 'Undo / redo the recipe'],
  ['Esc', 'Back to the grid, or clear the selection'],
  ['?', 'Show or hide this list'],
];

export function HelpOverlay() {
  const open = useUi((s) => s.help);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => useUi.getState().setHelp(false)}>
      <div className="help" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {KEYS.map(([key, action]) => (
              <tr key={key}>
                <th scope="row">
                  <kbd>{key}</kbd>
                </th>
                <td>{action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button ref={close} type="button" className="button" onClick={() => useUi.getState().setHelp(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
