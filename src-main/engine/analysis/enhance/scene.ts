import type { Chroma } from './illuminant.ts';
import type { ToneStats } from './tone-stats.ts';

/**
 * Scenes whose look is the point and that a naive auto-enhance would ruin: a night stays dark, a
 * sunset stays warm, stage light keeps its colour, snow stays white (and is not "overexposed").
 */
export type SceneCue = 'night' | 'sunset' | 'snow' | 'stage';

export type SceneInput = {
  stats: ToneStats;
  /** The brightest blocks' colour (illuminant.ts brightPixels), if any. */
  bright: Chroma | null;
  /** Detected objects (COCO labels). */
  objects: ReadonlyArray<{ label: string; confidence: number }>;
  /** CLIP zero-shot tags, when CLIP is installed. */
  tags: ReadonlyArray<{ label: string; probability: number }>;
};

export type Scene = { cues: SceneCue[]; evidence: string[] };

/** log2 of the brightest tones (99th percentile) a histogram-read sunset needs: within 2/3 stop of white. */
const SUNSET_WHITE_ABOVE = -0.67;

const TAGS: Record<string, SceneCue> = { sunset: 'sunset', 'night scene': 'night', snow: 'snow', concert: 'stage' };
const OBJECTS: Record<string, SceneCue> = { skis: 'snow', snowboard: 'snow' };

/**
 * From CLIP tags (the most direct evidence), detected objects, then the histogram: a photo mostly
 * in deep shadow with its highlights at white is lit on purpose (night, stage); warm bright tones
 * over a dark frame read as a sunset.
 */
export function sceneCues(input: SceneInput): Scene {
  const cues = new Set<SceneCue>();
  const evidence: string[] = [];
  const add = (cue: SceneCue, why: string) => {
    if (!cues.has(cue)) evidence.push(`${cue} (${why})`);
    cues.add(cue);
  };
  for (const tag of input.tags) {
    const cue = TAGS[tag.label];
    if (cue && tag.probability >= 0.2) add(cue, `CLIP tag "${tag.label}"`);
  }
  for (const object of input.objects) {
    const cue = OBJECTS[object.label];
    if (cue && object.confidence >= 0.5) add(cue, `${object.label} detected`);
  }
  const { stats, bright } = input;
  // A sunset's sky reaches (near) white; warm highlights a stop short of it over a dark frame are
  // more likely an underexposed photo with a warm cast, which is what the edits are for.
  if (stats.keyEv < -1.5 && stats.whiteEv > SUNSET_WHITE_ABOVE && bright && bright.u > 0.15 && bright.v < -0.35) add('sunset', 'warm highlights over a dark frame');
  else if (stats.keyEv < -2.2 && stats.whiteEv > -0.7) {
    const colourfulLight = bright !== null && Math.hypot(bright.u, bright.v) > 0.5;
    add(colourfulLight ? 'stage' : 'night', 'mostly deep shadow with bright highlights');
  }
  return { cues: [...cues], evidence };
}
