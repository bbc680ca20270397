import type { Transport } from '../transport/index.ts';
import { useLibrary } from './library-store.ts';
import { useSemanticSearch, withoutMeaning } from './use-semantic-search.ts';

/**
 * "By meaning" beside the search box, shown only when a CLIP model is installed. The filter bar
 * mounts it once the grid's first page is in, so asking for the models list never delays the first
 * paint.
 */
export function MeaningToggle({ transport }: { transport: Transport }) {
  const available = useSemanticSearch(transport);
  const semantic = useLibrary((s) => s.query.semantic);
  const sort = useLibrary((s) => s.query.sort);
  const setQuery = useLibrary((s) => s.setQuery);
  if (!available) return null;
  return (
    <button
      type="button"
      className="chip meaning"
      aria-pressed={semantic}
      title="Also find photos that look like what you describe (CLIP, on this machine), best match first"
      onClick={() => setQuery(semantic ? withoutMeaning(sort) : { semantic: true, sort: 'relevance', order: 'desc' })}
    >
      By meaning
    </button>
  );
}
