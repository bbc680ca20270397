import type { BundledModel, ModelsProgress } from '../contract.ts';

export const TASK_TEXT: Record<BundledModel['task'], string> = {
  faces: 'Face detection',
  subject: 'Subject mask',
  objects: 'Object detection',
  moderation: 'Content moderation',
  embedding: 'Semantic search and tags',
  aesthetic: 'Aesthetic score',
};

/** The licence name, linked to its text when there is one. */
export function Licence({ name, url }: { name: string; url: string }) {
  return url ? (
    <a href={url} target="_blank" rel="noreferrer noopener">
      {name}
    </a>
  ) : (
    <span>{name}</span>
  );
}

/** The final progress report of a download: the last file has every byte. */
export function isLastChunk(event: ModelsProgress): boolean {
  return event.fileIndex === event.fileCount - 1 && event.total !== null && event.received >= event.total;
}
