import type { SceneCue } from './scene.ts';

/**
 * Vibrance for photos whose colours came out muted (haze, a flat picture profile), never for a
 * black-and-white photo (no chroma to speak of) or one that is already colourful. Mean Lab chroma
 * of finished colour photos on the tuning half sits at 12-35; below `muted` a photo reads washed out.
 */
export const COLOUR_MODEL = { monochrome: 3, muted: 10, perChroma: 6, max: 40 } as const;

export type ColourEstimate = { vibrance: number; confidence: number; reason: string } | null;

/** `chroma` is the mean Lab chroma after the tone and white-balance edits proposed before it. */
export function estimateColour(chroma: number, cues: readonly SceneCue[]): ColourEstimate {
  const m = COLOUR_MODEL;
  if (chroma < m.monochrome || chroma >= m.muted || cues.includes('night') || cues.includes('stage')) return null;
  const vibrance = Math.min(m.max, Math.round((m.muted - chroma) * m.perChroma));
  if (vibrance < 8) return null;
  return { vibrance, confidence: Math.min(0.8, 0.4 + (m.muted - chroma) / 15), reason: `colours are muted (mean chroma ${chroma.toFixed(0)})` };
}
