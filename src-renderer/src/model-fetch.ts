import { useCallback, useEffect, useState } from 'react';
import type { AnalysisGap, ModelFetchStatus } from './contract.ts';
import type { Transport } from './transport/index.ts';
import { errorText, useEngineValue } from './settings/use-engine.ts';

/** What each bundled model does, in the words a photographer uses. */
export const MODEL_TASK_TEXT: Record<string, string> = {
  faces: 'face detection',
  subject: 'subject mask',
  objects: 'object detection',
  moderation: 'content moderation',
  embedding: 'search by meaning',
  aesthetic: 'aesthetic score',
};

/**
 * The bundled models' state, kept current by the engine's models.fetch events (the banner and
 * Settings › Models both read it), and the one click that fetches what is missing.
 */
export function useModelFetch(transport: Transport): { status: ModelFetchStatus | null; error: string | null; fetch(): void } {
  const value = useEngineValue<ModelFetchStatus>(transport, () => transport.call('models.fetchStatus', {}), 'The state of the AI models could not be read.');
  const set = value.set;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => transport.on('models.fetch', set), [transport, set]);
  const fetch = useCallback(() => {
    setError(null);
    transport.call('models.fetch', {}).then(set, (caught: unknown) => setError(errorText(caught, 'The fetch could not be started. Try again.')));
  }, [transport, set]);
  return { status: value.value, error: error ?? value.error, fetch };
}

/** "faces model missing", "faces and objects models missing", "faces model damaged". */
export function gapText(gaps: AnalysisGap[]): string {
  const parts: string[] = [];
  for (const code of ['model-missing', 'model-damaged'] as const) {
    const tasks = [...new Set(gaps.filter((g) => g.code === code).map((g) => g.task))];
    if (tasks.length === 0) continue;
    const names = tasks.length === 1 ? tasks[0] : `${tasks.slice(0, -1).join(', ')} and ${tasks.at(-1)}`;
    parts.push(`${names} model${tasks.length === 1 ? '' : 's'} ${code === 'model-missing' ? 'missing' : 'damaged'}`);
  }
  return parts.join('; ');
}

/** The fetch's place as a fraction (each model: pack, extract, verify), for a progress bar. */
export function fetchFraction(status: ModelFetchStatus): number | null {
  const p = status.progress;
  if (!p) return null;
  const step = { pack: 0, extract: 0.6, verify: 0.9 }[p.step];
  return (p.index - 1 + step) / p.count;
}
