import { z } from 'zod';

/**
 * What a processed file keeps of the original's metadata (issue 17), as export tools offer it:
 * - `all`: everything (EXIF, IPTC/XMP), corrected for what the render changed;
 * - `no-location`: all but GPS and place names (city, state, country, location);
 * - `copyright`: only creator, copyright, usage terms and contact details.
 * Whatever the choice, a processed file says where it came from (original and recipe) and what it
 * is (size, orientation, colour space).
 */
export const ExportMetadata = z.enum(['all', 'no-location', 'copyright']);
export type ExportMetadata = z.infer<typeof ExportMetadata>;

/** On a recipe's or preset's output step: `folder` defers to the photo's hot folder (else `all`). */
export const OutputMetadata = z.enum(['folder', ...ExportMetadata.options]);
export type OutputMetadata = z.infer<typeof OutputMetadata>;

/** Library setting: written into every render whose original names no creator / no copyright. */
export const ExportDefaults = z.object({
  creator: z.string().trim().max(200).nullable(),
  copyright: z.string().trim().max(500).nullable(),
});
export type ExportDefaults = z.infer<typeof ExportDefaults>;

export const ExportDefaultsUpdate = ExportDefaults.partial();
export type ExportDefaultsUpdate = z.infer<typeof ExportDefaultsUpdate>;
