import type { Photo } from '../../contract/index.ts';

/** A rendered file ready to upload: absolute path, the render's revision and its recipe's hash. */
export type ProcessedFile = { path: string; revision: number; recipeHash: string };

/**
 * The seam to rendering (another branch owns the `renders` table and the `render` job). Null means
 * "no processed file yet": a photo whose folder wants one waits, and the render job's success calls
 * `uploadAfterRender(photoId)` to queue it again. The lead connects this to the renders table.
 */
export type ProcessedSource = (photoId: number) => Promise<ProcessedFile | null>;

export const noProcessedFiles: ProcessedSource = () => Promise.resolve(null);

/**
 * The seam to review: "approved" will come from the review/approval work. Until then a photo counts
 * as approved once it is ingested without an error.
 */
export type ApprovalSource = (photo: Photo) => boolean;

export const approvedWhenIngestedCleanly: ApprovalSource = (photo) => photo.error === null && photo.format !== null;
