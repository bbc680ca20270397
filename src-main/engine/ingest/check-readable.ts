import { open } from 'node:fs/promises';
import path from 'node:path';
import type { AppError } from '../../contract/index.ts';
import { detectFormat, isSupportedImage } from '../media/index.ts';

/**
 * The cheap checks before anything is stored: not empty, readable, and its first bytes are an image
 * format Lightbox reads (whatever the name says). Null when the file may go on.
 */
export async function checkReadable(filePath: string, size: number, name: string = path.basename(filePath)): Promise<AppError | null> {
  if (size === 0) {
    return { code: 'empty-file', message: 'The file is empty (0 bytes): nothing was copied. Copy it again from the card or phone.' };
  }
  const handle = await open(filePath, 'r').catch((error: NodeJS.ErrnoException) => error);
  if (!('read' in handle)) {
    return { code: 'read-failed', message: `Lightbox cannot read this file (${handle.code ?? handle.message}). Check its permissions.` };
  }
  try {
    const head = Buffer.alloc(Math.min(4096, size));
    await handle.read(head, 0, head.length, 0);
    const format = detectFormat(head, name);
    if (!format) {
      return { code: 'not-an-image', message: 'This is not a photo: its contents match no image format Lightbox knows, whatever its name says.' };
    }
    if (!isSupportedImage(format)) {
      return { code: 'unsupported-format', message: `Lightbox cannot read ${String(format).toUpperCase()} files yet.` };
    }
    return null;
  } finally {
    await handle.close();
  }
}
