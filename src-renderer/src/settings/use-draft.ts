import { useEffect, useState } from 'react';

export type Draft<D> = {
  draft: D;
  /** The photographer's change: from now on fresh reads leave the draft alone. */
  edit(next: D): void;
  /** After a save: the draft follows the engine's value again. */
  saved(): void;
};

/**
 * A settings form's draft of an engine value. It follows every fresh read (one comes after each
 * reconnect) until the photographer edits it: a read arriving mid-typing once wiped a field.
 */
export function useDraft<T, D>(value: T | null, toDraft: (value: T) => D, empty: D): Draft<D> {
  const [draft, setDraft] = useState<D>(empty);
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (value && !edited) setDraft(toDraft(value));
    // toDraft is a pure mapping, often a fresh closure each render: not a dependency.
  }, [value, edited]);
  return {
    draft,
    edit: (next) => {
      setDraft(next);
      setEdited(true);
    },
    saved: () => setEdited(false),
  };
}
