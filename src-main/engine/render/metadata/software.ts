import { APP_VERSION } from '../../base/app-version.ts';
import type { XmpPart } from './xmp-parts.ts';

/** What wrote the processed file, as EXIF Software and xmp:CreatorTool say it. */
export const SOFTWARE = `Lightbox ${APP_VERSION}`;

export function softwareXmp(): XmpPart {
  return { prefixes: ['xmp'], attrs: [['xmp:CreatorTool', SOFTWARE]], children: [] };
}
