import type { Recipe } from '../../contract/index.ts';
import { photoYearMonth, type LibraryLayout } from '../library/library-layout.ts';
import { writeFileAtomic } from './atomic-write.ts';

/**
 * The portable copy of a photo's recipe under recipes/YYYY/MM/{sha8}.json (DESIGN §2). SQLite stays
 * the source of truth; the copy lets another tool (or a rebuilt library) read the edit next to the
 * originals. Written after every change, whole, with the same atomic write as renders.
 */
export async function writeRecipeCopy(
  layout: LibraryLayout,
  photo: { sha256: string; originalPath: string | null; createdAt: string },
  recipe: Recipe,
): Promise<string> {
  const relative = layout.recipeCopyRelative({ yearMonth: photoYearMonth(photo), sha256: photo.sha256 });
  // Exactly a Recipe (no extra keys), so the file is valid input for `lightbox render --recipe`.
  await writeFileAtomic(layout.absolute(relative), `${JSON.stringify(recipe, null, 2)}\n`);
  return relative;
}
