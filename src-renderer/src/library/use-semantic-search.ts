import { useEffect } from 'react';
import type { ModelInfo } from '../contract.ts';
import { useEngineValue } from '../settings/use-engine.ts';
import type { Transport } from '../transport/index.ts';
import { useLibrary } from './library-store.ts';

const installedClip = (models: ModelInfo[] | null) => models?.some((m) => m.task === 'embedding' && m.state === 'installed') ?? false;

/**
 * Whether the search box can search by meaning: a CLIP model is installed. Asked again when a
 * download finishes (here or in another window). A query saved by an earlier session that asked
 * for meaning falls back to words when the model is gone, instead of failing on every refresh.
 */
export function useSemanticSearch(transport: Transport): boolean {
  const models = useEngineValue<ModelInfo[]>(transport, () => transport.call('models.list', {}), 'The models could not be listed.');
  const reload = models.reload;
  useEffect(() => transport.on('models.installed', () => reload()), [transport, reload]);
  const available = installedClip(models.value);
  const known = models.value !== null;
  useEffect(() => {
    const { query, setQuery } = useLibrary.getState();
    if (known && !available && query.semantic) setQuery(withoutMeaning(query.sort));
  }, [known, available]);
  return available;
}

/** Turning meaning off leaves the relevance order, which only meaning gives. */
export function withoutMeaning(sort: string) {
  return { semantic: false, ...(sort === 'relevance' ? { sort: 'imported' as const, order: 'desc' as const } : {}) };
}
