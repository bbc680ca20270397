import { ApiError, type PhotoFlag } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { useLibrary } from './library-store.ts';

/** What a rating key applies to: the photo in the loupe, else the selection, else the focused photo. */
export function targetIds(): number[] {
  const { loupeId, selection, slots, focus } = useLibrary.getState();
  if (loupeId !== null) return [loupeId];
  if (selection.size > 0) return [...selection];
  const focused = slots[focus];
  return focused === undefined ? [] : [focused];
}

async function run(work: () => Promise<unknown>, failure: string): Promise<void> {
  try {
    await work();
  } catch (error) {
    useLibrary.getState().setListError(error instanceof ApiError ? error.message : failure);
  }
}

/** The engine answers with photo.changed for each photo, so every open window shows the new stars. */
export function rate(transport: Transport, rating: number): Promise<void> {
  const ids = targetIds();
  if (ids.length === 0) return Promise.resolve();
  return run(() => transport.call('photos.rate', { ids, rating }), 'The rating was not saved. Check the connection and press the key again.');
}

export function flag(transport: Transport, value: PhotoFlag | null): Promise<void> {
  const ids = targetIds();
  if (ids.length === 0) return Promise.resolve();
  return run(() => transport.call('photos.flag', { ids, flag: value }), 'The flag was not saved. Check the connection and press the key again.');
}

/** 0–5 stars, P pick, X reject, U unflag (Lightroom's keys). Returns whether the key was one of them. */
export function handleReviewKey(transport: Transport, key: string): boolean {
  if (/^[0-5]$/.test(key)) void rate(transport, Number(key));
  else if (key === 'p' || key === 'P') void flag(transport, 'pick');
  else if (key === 'x' || key === 'X') void flag(transport, 'reject');
  else if (key === 'u' || key === 'U') void flag(transport, null);
  else return false;
  return true;
}
