import { useRef, type PointerEvent as ReactPointerEvent } from 'react';
import { dragCrop, HANDLES, type Handle } from './crop-math.ts';
import type { CropBox } from './editor-store.ts';

const pct = (v: number) => `${(v * 100).toFixed(4)}%`;

/**
 * The crop rectangle over the whole frame: outside dimmed, rule-of-thirds lines inside, eight
 * handles and the box itself to drag. Works in fractions of the overlay, which is exactly the image.
 */
export function CropOverlay({ box, ratio, imageW, imageH, onChange }: { box: CropBox; ratio: number | null; imageW: number; imageH: number; onChange(box: CropBox): void }) {
  const root = useRef<HTMLDivElement>(null);
  const drag = useRef<{ handle: Handle; x: number; y: number; start: CropBox } | null>(null);

  const down = (handle: Handle) => (event: ReactPointerEvent<HTMLElement>) => {
    event.preventDefault();
    event.stopPropagation();
    (event.target as HTMLElement).setPointerCapture(event.pointerId);
    drag.current = { handle, x: event.clientX, y: event.clientY, start: box };
  };
  const move = (event: ReactPointerEvent<HTMLElement>) => {
    const held = drag.current;
    const rect = root.current?.getBoundingClientRect();
    if (!held || !rect || rect.width === 0) return;
    onChange(dragCrop(held.start, held.handle, (event.clientX - held.x) / rect.width, (event.clientY - held.y) / rect.height, ratio, imageW, imageH));
  };
  const up = () => {
    drag.current = null;
  };

  return (
    <div ref={root} className="crop-overlay" role="group" aria-label="Crop rectangle">
      <div
        className="crop-box"
        style={{ left: pct(box.x), top: pct(box.y), width: pct(box.w), height: pct(box.h) }}
        onPointerDown={down('move')}
        onPointerMove={move}
        onPointerUp={up}
        data-testid="crop-box"
      >
        <div className="crop-thirds" aria-hidden="true" />
        {HANDLES.map((h) => (
          <span key={h} className={`crop-handle crop-handle-${h}`} aria-label={`Crop handle ${h}`} onPointerDown={down(h)} onPointerMove={move} onPointerUp={up} />
        ))}
      </div>
    </div>
  );
}
