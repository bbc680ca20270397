import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../contract.ts';
import type { Transport } from '../transport/index.ts';

/** The engine's own sentence when it sent one (code + words to act on), else ours. */
export function errorText(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.message : fallback;
}

export type EngineValue<T> = { value: T | null; error: string | null; set(value: T): void; reload(): void };

/**
 * One engine read for a settings card: loaded on mount and again after every reconnect (the
 * engine may have restarted with other values), replaceable by events and command answers.
 */
export function useEngineValue<T>(transport: Transport, load: () => Promise<T>, failure: string): EngineValue<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  // A slow answer to an older request must not overwrite a newer value.
  const generation = useRef(0);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    loadRef.current().then(
      (loaded) => {
        if (mine !== generation.current) return;
        setValue(loaded);
        setError(null);
      },
      (caught: unknown) => mine === generation.current && setError(errorText(caught, failure)),
    );
  }, [failure]);

  useEffect(() => {
    if (transport.state() === 'open') reload();
    return transport.onState((state) => state === 'open' && reload());
  }, [transport, reload]);

  const set = useCallback((next: T) => {
    generation.current += 1;
    setValue(next);
    setError(null);
  }, []);

  return { value, error, set, reload };
}

/** "1.2 GB" style sizes for models (the library's formatBytes is for photos). */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return 'size not known yet';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

export type EngineSetting<T> = EngineValue<T> & {
  busy: boolean;
  /** The error of the last change, else of the last load. */
  problem: string | null;
  /**
   * Shows `shown` at once (a select or checkbox must follow the click), then the engine's answer to
   * `send`; on a refusal the engine's sentence (or `failure`) and a fresh read put the truth back.
   */
  change(shown: T | null, send: () => Promise<T>, failure: string): void;
};

/** A settings card's value that the photographer also changes. */
export function useEngineSetting<T>(transport: Transport, load: () => Promise<T>, failure: string): EngineSetting<T> {
  const engine = useEngineValue<T>(transport, load, failure);
  const [busy, setBusy] = useState(false);
  const [changeError, setChangeError] = useState<string | null>(null);
  const change = (shown: T | null, send: () => Promise<T>, refused: string) => {
    if (shown) engine.set(shown);
    setBusy(true);
    setChangeError(null);
    send()
      .then(engine.set, (caught: unknown) => {
        setChangeError(errorText(caught, refused));
        engine.reload();
      })
      .finally(() => setBusy(false));
  };
  return { ...engine, busy, problem: changeError ?? engine.error, change };
}
