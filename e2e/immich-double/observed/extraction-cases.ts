/**
 * Uploads whose metadata extraction was recorded on a real Immich (record-extraction.ts) and is
 * replayed against the double (extraction.test.ts): every camera JPEG of the corpus as is, and
 * metadata-less copies with sidecar dates as written by the uploader and as in findings §d.
 */
import { readdir, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { corpusPath } from '../../../test-support/corpus.ts';
import type { AssetView } from '../index.ts';

export type ExtractionCase = {
  name: string;
  /** Corpus file uploaded as assetData. */
  file: string;
  /** Re-encoded without any metadata (a processed file with nothing embedded). */
  strip?: boolean;
  sidecar?: string;
};

/** What extraction left on the asset, as GET /assets/:id shows it (the double's view has the same fields). */
export type Observed = Pick<AssetView, 'fileCreatedAt' | 'fileModifiedAt' | 'localDateTime' | 'dateTimeOriginal' | 'timeZone' | 'latitude' | 'longitude' | 'description' | 'rating' | 'tags'>;

// Older than any corpus date, so a file without a date shows them (the earliest of these and the upload).
export const UPLOAD_DATES = { fileCreatedAt: '2000-01-02T03:04:05.000Z', fileModifiedAt: '2000-06-07T08:09:10.000Z' };

export function dateSidecar(fields: { date?: string; gps?: { lat: string; lon: string }; caption?: string; tiffCaption?: boolean }): string {
  const attrs = [
    fields.date ? ` exif:DateTimeOriginal="${fields.date}"` : '',
    fields.gps ? ` exif:GPSLatitude="${fields.gps.lat}" exif:GPSLongitude="${fields.gps.lon}"` : '',
  ].join('');
  const alt = (tag: string) => `<${tag}><rdf:Alt><rdf:li xml:lang="x-default">${fields.caption}</rdf:li></rdf:Alt></${tag}>`;
  const children = fields.caption ? `${alt('dc:description')}${fields.tiffCaption ? alt('tiff:ImageDescription') : ''}` : '';
  return `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"${attrs}>${children}</rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}

const HELSINKI = { lat: '60,10.5N', lon: '24,56.25E' };
const D1 = 'jpeg/camera/HMD_Nokia_8.3_5G.jpg';

export async function extractionCases(): Promise<ExtractionCase[]> {
  const camera = (await readdir(corpusPath('jpeg/camera'))).filter((n) => n.endsWith('.jpg')).sort();
  return [
    ...camera.map((n) => ({ name: `camera/${n}`, file: `jpeg/camera/${n}` })),
    { name: 'strip/no-sidecar', file: D1, strip: true },
    { name: 'strip/date+offset', file: D1, strip: true, sidecar: dateSidecar({ date: '2022-08-14T14:12:31+03:00' }) },
    { name: 'strip/date-no-zone', file: D1, strip: true, sidecar: dateSidecar({ date: '2022-08-14T14:12:31' }) },
    { name: 'strip/date-Z', file: D1, strip: true, sidecar: dateSidecar({ date: '2022-08-14T14:12:31Z' }) },
    { name: 'strip/date+offset+gps', file: D1, strip: true, sidecar: dateSidecar({ date: '2022-08-14T14:12:31+03:00', gps: HELSINKI }) },
    { name: 'strip/date-no-zone+gps', file: D1, strip: true, sidecar: dateSidecar({ date: '2022-08-14T14:12:31.250', gps: HELSINKI }) },
    { name: 'strip/gps-only', file: D1, strip: true, sidecar: dateSidecar({ gps: HELSINKI }) },
    { name: 'original+sidecar-date', file: D1, sidecar: dateSidecar({ date: '2001-02-03T04:05:06-05:00' }) },
    { name: 'original+sidecar-gps-only', file: 'jpeg/camera/Nikon_D70.jpg', sidecar: dateSidecar({ gps: HELSINKI }) },
    // Canon_EOS_7D has an EXIF ImageDescription ("mit blauem Kleid").
    { name: 'original+sidecar-caption', file: 'jpeg/camera/Canon_EOS_7D.jpg', sidecar: dateSidecar({ caption: 'Caption from Lightbox' }) },
    { name: 'original+sidecar-caption+tiff', file: 'jpeg/camera/Canon_EOS_7D.jpg', sidecar: dateSidecar({ caption: 'Caption from Lightbox', tiffCaption: true }) },
    { name: 'strip/caption', file: 'jpeg/camera/Canon_EOS_7D.jpg', strip: true, sidecar: dateSidecar({ caption: 'Caption from Lightbox' }) },
  ];
}

/** Bytes after the JPEG's end marker make each case new to the server and leave its metadata alone. */
export async function caseBytes(c: ExtractionCase, salt: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  const bytes = await readFile(corpusPath(c.file));
  const image = c.strip ? await sharp(bytes).resize({ width: 320 }).jpeg({ quality: 70 }).toBuffer() : bytes;
  return Buffer.concat([image, Buffer.from(`\0lightbox-case:${c.name}`), salt]);
}

/** POST /assets as the uploader sends it: file parts first, `filename` never before them. */
export async function uploadCase(baseUrl: string, apiKey: string, c: ExtractionCase, bytes: Buffer): Promise<string> {
  const form = new FormData();
  const name = c.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/(\.jpg)?$/, '.jpg');
  form.append('assetData', new File([bytes], name));
  if (c.sidecar) form.append('sidecarData', new File([c.sidecar], `${name}.xmp`));
  form.append('fileCreatedAt', UPLOAD_DATES.fileCreatedAt);
  form.append('fileModifiedAt', UPLOAD_DATES.fileModifiedAt);
  const response = await fetch(`${baseUrl}/assets`, { method: 'POST', body: form, headers: { 'x-api-key': apiKey } });
  const body = (await response.json()) as { id?: string; message?: string };
  if (response.status !== 201 || !body.id) throw new Error(`${c.name}: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

export async function observe(baseUrl: string, apiKey: string, id: string): Promise<Observed & { extracted: boolean }> {
  const a = (await (await fetch(`${baseUrl}/assets/${id}`, { headers: { 'x-api-key': apiKey } })).json()) as {
    fileCreatedAt: string; fileModifiedAt: string; localDateTime: string; tags?: Array<{ value: string }>;
    exifInfo?: { dateTimeOriginal: string | null; timeZone: string | null; latitude: number | null; longitude: number | null; description: string; rating: number | null; modifyDate: string | null };
  };
  const e = a.exifInfo;
  return {
    fileCreatedAt: a.fileCreatedAt,
    fileModifiedAt: a.fileModifiedAt,
    localDateTime: a.localDateTime,
    dateTimeOriginal: e?.dateTimeOriginal ?? null,
    timeZone: e?.timeZone ?? null,
    latitude: e?.latitude ?? null,
    longitude: e?.longitude ?? null,
    description: e?.description ?? '',
    rating: e?.rating ?? null,
    tags: (a.tags ?? []).map((t) => t.value).sort(),
    extracted: (e?.modifyDate ?? null) !== null,
  };
}
