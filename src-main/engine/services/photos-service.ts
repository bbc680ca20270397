import { ApiError, type DuplicateFile, type FlagPhotosInput, type Photo, type PhotoCounts, type PhotoFilter, type PhotoQuery, type RatePhotosInput } from '../../contract/index.ts';
import type { PhotosRepo, FilesRepo } from '../library/index.ts';

/** The photos CLIP finds for a text, best first; refuses with a readable error without the model. */
export type SimilarPhotos = (text: string) => Promise<number[]>;

const noSemanticSearch: SimilarPhotos = () => Promise.reject(new ApiError('not-installed', 'Searching by meaning is not available in this engine.'));

export class PhotosService {
  #photos: PhotosRepo;
  #files: FilesRepo;

  #changed: (id: number) => void;
  #similar: SimilarPhotos;

  /**
   * `changed` is told about every photo a rating or flag touched, so every window updates.
   * `similar` finds photos by meaning (CLIP) for a query with `semantic`.
   */
  constructor(photos: PhotosRepo, files: FilesRepo, changed: (id: number) => void = () => {}, similar: SimilarPhotos = noSemanticSearch) {
    this.#photos = photos;
    this.#files = files;
    this.#changed = changed;
    this.#similar = similar;
  }

  rate({ ids, rating }: RatePhotosInput): { updated: number } {
    const updated = this.#photos.setRating(ids, rating);
    for (const id of new Set(ids)) this.#changed(id);
    return { updated };
  }

  flag({ ids, flag }: FlagPhotosInput): { updated: number } {
    const updated = this.#photos.setFlag(ids, flag);
    for (const id of new Set(ids)) this.#changed(id);
    return { updated };
  }

  async list(query: PhotoQuery): Promise<{ photos: Photo[]; total: number }> {
    return this.#photos.list(query, await this.#semantic(query));
  }

  async counts(filter: PhotoFilter): Promise<PhotoCounts> {
    return this.#photos.counts(filter, await this.#semantic(filter));
  }

  async ids(query: Omit<PhotoQuery, 'limit' | 'offset'>): Promise<number[]> {
    return this.#photos.ids(query, await this.#semantic(query));
  }

  /** What semantic search found for the text, when the query asks for it and has text. */
  async #semantic(filter: PhotoFilter): Promise<number[] | null> {
    const text = filter.text?.trim();
    return filter.semantic && text ? this.#similar(text) : null;
  }

  get(id: number): Photo {
    const photo = this.#photos.get(id);
    if (!photo) throw new ApiError('not-found', `There is no photo ${id} in this library.`);
    return photo;
  }

  duplicates(id: number): DuplicateFile[] {
    this.get(id);
    return this.#files.duplicatesOf(id);
  }
}
