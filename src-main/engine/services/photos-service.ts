import { ApiError, type DuplicateFile, type FlagPhotosInput, type Photo, type PhotoCounts, type PhotoFilter, type PhotoQuery, type RatePhotosInput } from '../../contract/index.ts';
import type { PhotosRepo, FilesRepo } from '../library/index.ts';

export class PhotosService {
  #photos: PhotosRepo;
  #files: FilesRepo;

  #changed: (id: number) => void;

  /** `changed` is told about every photo a rating or flag touched, so every window updates. */
  constructor(photos: PhotosRepo, files: FilesRepo, changed: (id: number) => void = () => {}) {
    this.#photos = photos;
    this.#files = files;
    this.#changed = changed;
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

  list(query: PhotoQuery): { photos: Photo[]; total: number } {
    return this.#photos.list(query);
  }

  counts(filter: PhotoFilter): PhotoCounts {
    return this.#photos.counts(filter);
  }

  ids(query: Omit<PhotoQuery, 'limit' | 'offset'>): number[] {
    return this.#photos.ids(query);
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
