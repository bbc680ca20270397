import { ApiError, type DuplicateFile, type Photo, type PhotoCounts, type PhotoFilter, type PhotoQuery } from '../../contract/index.ts';
import type { PhotosRepo, FilesRepo } from '../library/index.ts';

export class PhotosService {
  #photos: PhotosRepo;
  #files: FilesRepo;

  constructor(photos: PhotosRepo, files: FilesRepo) {
    this.#photos = photos;
    this.#files = files;
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
