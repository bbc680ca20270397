import type { Sharp } from 'sharp';

/** Orientations 5–8 turn the picture a quarter: stored width becomes display height. */
export function isSwapped(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/**
 * Applies an EXIF orientation explicitly rather than with autoOrient(): RAW previews and wrapped
 * HEIC pixels carry no (or the wrong) EXIF tag, and one explicit path keeps all formats alike.
 * sharp always mirrors before it rotates, so 5 = mirror + 270°, 7 = mirror + 90°.
 */
export function applyOrientation(pipeline: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2: return pipeline.flop();
    case 3: return pipeline.rotate(180);
    case 4: return pipeline.flip();
    case 5: return pipeline.flop().rotate(270);
    case 6: return pipeline.rotate(90);
    case 7: return pipeline.flop().rotate(90);
    case 8: return pipeline.rotate(270);
    default: return pipeline;
  }
}
