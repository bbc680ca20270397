import { AnalysisRepo } from './analysis-repo.ts';
import { openDatabase, type Db } from './database.ts';
import { FilesRepo } from './files-repo.ts';
import { FoldersRepo } from './folders-repo.ts';
import { HashCacheRepo } from './hash-cache-repo.ts';
import { JobsRepo } from './jobs-repo.ts';
import { PhotosRepo } from './photos-repo.ts';
import { PresetsRepo } from './presets-repo.ts';
import { RecipesRepo } from './recipes-repo.ts';
import { RendersRepo } from './renders-repo.ts';
import { SettingsRepo } from './settings-repo.ts';

export type Library = {
  db: Db;
  folders: FoldersRepo;
  photos: PhotosRepo;
  files: FilesRepo;
  hashCache: HashCacheRepo;
  jobs: JobsRepo;
  settings: SettingsRepo;
  analysis: AnalysisRepo;
  recipes: RecipesRepo;
  renders: RendersRepo;
  presets: PresetsRepo;
  close(): void;
};

/** The database and one of each repository over it. */
export function openLibrary(file: string): Library {
  const db = openDatabase(file);
  return {
    db,
    folders: new FoldersRepo(db),
    photos: new PhotosRepo(db),
    files: new FilesRepo(db),
    hashCache: new HashCacheRepo(db),
    jobs: new JobsRepo(db),
    settings: new SettingsRepo(db),
    analysis: new AnalysisRepo(db),
    recipes: new RecipesRepo(db),
    renders: new RendersRepo(db),
    presets: new PresetsRepo(db),
    close() {
      if (!db.open) return;
      // Keeps query plans good as tables grow; cheap when there is nothing to do. It writes, so on
      // a full disk it is skipped: closing must not fail for want of space.
      try {
        db.pragma('optimize');
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_FULL') throw error;
      }
      db.close();
    },
  };
}
