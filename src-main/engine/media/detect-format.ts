import { open } from 'node:fs/promises';
import path from 'node:path';
import type { MediaWarning } from '../../contract/errors.ts';
import { MediaError, formatCount, warning } from './media-error.ts';

/**
 * What a file really is, judged from its first bytes. The extension is only a hint for the
 * TIFF-based RAW kinds (NEF, ARW, PEF... are plain `II*\0`/`MM\0*` TIFF at the byte level).
 */
export type DetectedFormat =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'tiff'
  | 'avif'
  | 'heic'
  | 'jxl'
  | RawFormat;

export type RawFormat =
  | 'cr2'
  | 'cr3'
  | 'crw'
  | 'nef'
  | 'nrw'
  | 'arw'
  | 'srw'
  | 'dng'
  | 'orf'
  | 'rw2'
  | 'pef'
  | 'raf'
  | 'mrw'
  | 'x3f'
  | 'iiq'
  | 'erf'
  | '3fr';

const RAW_FORMATS: ReadonlySet<string> = new Set<RawFormat>([
  'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srw', 'dng', 'orf', 'rw2', 'pef', 'raf', 'mrw', 'x3f', 'iiq', 'erf', '3fr',
]);

/** RAW kinds whose container is plain TIFF: only the extension tells them apart. */
const TIFF_RAW_BY_EXTENSION: Record<string, RawFormat> = {
  nef: 'nef', nrw: 'nrw', arw: 'arw', srf: 'arw', sr2: 'arw', srw: 'srw', dng: 'dng', pef: 'pef',
  erf: 'erf', '3fr': '3fr', iiq: 'iiq', orf: 'orf', rw2: 'rw2', cr2: 'cr2',
};

/** Which formats an extension promises, for the wrong-extension warning. */
const EXTENSION_FORMATS: Record<string, readonly DetectedFormat[]> = {
  jpg: ['jpeg'], jpeg: ['jpeg'], jpe: ['jpeg'], jfif: ['jpeg'],
  png: ['png'], gif: ['gif'], webp: ['webp'], tif: ['tiff'], tiff: ['tiff'],
  avif: ['avif'], heic: ['heic'], heif: ['heic', 'avif'], hif: ['heic'], jxl: ['jxl'],
  cr2: ['cr2'], cr3: ['cr3'], crw: ['crw'], raf: ['raf'], mrw: ['mrw'], x3f: ['x3f'],
  ...Object.fromEntries(Object.entries(TIFF_RAW_BY_EXTENSION).filter(([ext]) => ext !== 'cr2').map(([ext, f]) => [ext, [f]])),
};

/** How many leading bytes detection wants: ISO-BMFF brand lists and a TIFF IFD0 fit in this. */
export const SNIFF_BYTES = 4096;

export function isRawFormat(format: DetectedFormat): format is RawFormat {
  return RAW_FORMATS.has(format);
}

/**
 * Whether openImage can produce pixels for this format. JPEG XL is recognised but the bundled
 * libvips is built without libjxl, so it is reported as unsupported rather than as corrupt.
 */
export function isSupportedImage(format: DetectedFormat | null): format is DetectedFormat {
  return format !== null && format !== 'jxl';
}

function extensionOf(nameOrExt: string | undefined): string {
  if (!nameOrExt) return '';
  const ext = nameOrExt.includes('.') ? path.extname(nameOrExt) : nameOrExt;
  return ext.replace(/^\./, '').toLowerCase();
}

function ascii(head: Buffer, start: number, length: number): string {
  return head.subarray(start, start + length).toString('latin1');
}

/**
 * Format from magic bytes. `nameOrExt` (a file name or extension) only refines plain TIFF into a
 * TIFF-based RAW kind; it never overrides what the bytes say.
 */
export function detectFormat(head: Buffer, nameOrExt?: string): DetectedFormat | null {
  if (head.length < 4) return null;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.readUInt32BE(0) === 0x89504e47) return 'png';
  if (ascii(head, 0, 4) === 'GIF8') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp';
  if (head[0] === 0xff && head[1] === 0x0a) return 'jxl'; // bare JPEG XL codestream
  if (ascii(head, 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  if (ascii(head, 0, 4) === '\0MRM') return 'mrw';
  if (ascii(head, 0, 4) === 'FOVb') return 'x3f';
  if (ascii(head, 0, 2) === 'II' && head.readUInt16LE(2) === 0x1a && ascii(head, 6, 8) === 'HEAPCCDR') return 'crw';
  if (ascii(head, 4, 4) === 'ftyp') return detectIsoBmff(head);
  if (ascii(head, 0, 4) === '\0\0\0\x0c' && ascii(head, 4, 4) === 'JXL ') return 'jxl';
  return detectTiffFamily(head, extensionOf(nameOrExt));
}

function detectIsoBmff(head: Buffer): DetectedFormat | null {
  const boxSize = Math.min(head.readUInt32BE(0), head.length);
  const brands = [ascii(head, 8, 4)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(head, at, 4));
  if (brands.includes('crx ')) return 'cr3';
  if (brands.includes('jxl ')) return 'jxl';
  // The major brand decides first: a HEIC with an AV1 thumbnail may list `avif` as compatible.
  const [major] = brands;
  if (major === 'avif' || major === 'avis') return 'avif';
  const heicBrands = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis'];
  if (heicBrands.includes(major ?? '')) return 'heic';
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
  if (brands.some((b) => heicBrands.includes(b) || b === 'mif1' || b === 'msf1')) return 'heic';
  return null;
}

function detectTiffFamily(head: Buffer, ext: string): DetectedFormat | null {
  const order = ascii(head, 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const magic = le ? head.readUInt16LE(2) : head.readUInt16BE(2);
  // Olympus (`IIRO`, `IIRS`, `MMOR`) and Panasonic (`IIU\0`) change the TIFF magic number.
  if (magic === 0x4f52 || magic === 0x5352 || magic === 0x524f) return 'orf';
  if (magic === 0x55) return 'rw2';
  if (magic !== 42 || head.length < 8) return null;
  if (ascii(head, 8, 2) === 'CR' && head[10] === 2) return 'cr2';
  if (ascii(head, 8, 4) === 'IIII') return 'iiq';
  const byExtension = TIFF_RAW_BY_EXTENSION[ext];
  if (byExtension && byExtension !== 'cr2' && byExtension !== 'orf' && byExtension !== 'rw2') return byExtension;
  if (hasDngVersionTag(head, le)) return 'dng';
  return 'tiff';
}

/** DNGVersion (0xC612) in IFD0 marks a DNG whatever its name; the IFD usually sits in the head. */
function hasDngVersionTag(head: Buffer, le: boolean): boolean {
  const u16 = (at: number) => (le ? head.readUInt16LE(at) : head.readUInt16BE(at));
  const ifd = le ? head.readUInt32LE(4) : head.readUInt32BE(4);
  if (ifd + 2 > head.length) return false;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 2 > head.length) return false;
    if (u16(at) === 0xc612) return true;
  }
  return false;
}

const FORMAT_NAMES: Record<DetectedFormat, string> = {
  jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', tiff: 'TIFF', avif: 'AVIF', heic: 'HEIC/HEIF', jxl: 'JPEG XL',
  cr2: 'Canon CR2 RAW', cr3: 'Canon CR3 RAW', crw: 'Canon CRW RAW', nef: 'Nikon NEF RAW', nrw: 'Nikon NRW RAW',
  arw: 'Sony ARW RAW', srw: 'Samsung SRW RAW', dng: 'DNG RAW', orf: 'Olympus ORF RAW', rw2: 'Panasonic RW2 RAW',
  pef: 'Pentax PEF RAW', raf: 'Fujifilm RAF RAW', mrw: 'Minolta MRW RAW', x3f: 'Sigma X3F RAW',
  iiq: 'Phase One IIQ RAW', erf: 'Epson ERF RAW', '3fr': 'Hasselblad 3FR RAW',
};

export function formatName(format: DetectedFormat): string {
  return FORMAT_NAMES[format];
}

export type SniffResult = { format: DetectedFormat; bytes: number; warnings: MediaWarning[] };

/**
 * Reads the head of a file and says what it is. Throws MediaError for empty files, bytes that
 * are no image at all, and recognised but unsupported formats; a misleading extension is only a
 * warning because the real format wins.
 */
export async function sniffFile(filePath: string): Promise<SniffResult> {
  let head: Buffer;
  let bytes: number;
  try {
    const handle = await open(filePath, 'r');
    try {
      bytes = (await handle.stat()).size;
      head = Buffer.alloc(Math.min(SNIFF_BYTES, bytes));
      if (head.length > 0) await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MediaError('file-vanished', `The file ${path.basename(filePath)} is no longer there (moved or deleted while Lightbox was reading it).`, { cause: error });
    throw new MediaError('read-failed', `Could not read ${path.basename(filePath)}: ${(error as Error).message}.`, { cause: error });
  }
  const name = path.basename(filePath);
  if (bytes === 0) throw new MediaError('empty-file', `${name} is empty (0 bytes): the copy probably has not started or failed. Copy the photo again.`);
  const format = detectFormat(head, name);
  if (!format) {
    if (head.every((b) => b === 0)) {
      throw new MediaError('not-an-image', `${name} contains only zero bytes (${formatCount(bytes)} of them): the copy was probably interrupted. Copy the photo again.`);
    }
    const looksLikeText = head.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc0 || (b >= 0x80 && b < 0xc0));
    throw new MediaError('not-an-image', looksLikeText
      ? `${name} is a text file, not a photo (it only has an image file name).`
      : `${name} is not an image Lightbox knows: its first bytes match no photo format (JPEG, PNG, HEIC, TIFF, WebP, AVIF, GIF or a camera RAW).`);
  }
  if (!isSupportedImage(format)) {
    throw new MediaError('unsupported-format', `${name} is a ${formatName(format)} file, which this version of Lightbox cannot decode yet. Export it as JPEG, PNG or TIFF to import it.`);
  }
  const warnings: MediaWarning[] = [];
  const ext = extensionOf(name);
  const promised = EXTENSION_FORMATS[ext];
  if (promised && !promised.includes(format)) {
    warnings.push(warning('wrong-extension', `${name} is named .${ext} but is really a ${formatName(format)} file; Lightbox reads it as ${formatName(format)}.`));
  }
  return { format, bytes, warnings };
}
