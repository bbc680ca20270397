/** Real corpus JPEGs as upload pairs: the original as is, the "processed" one rendered by sharp. */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, readFile, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { corpusPath } from '../../../test-support/corpus.ts';
import type { PairFile } from './pair-upload.ts';
import { realServer } from './test-server.ts';

export const PAIR_SOURCES = [
  'jpeg/camera/Apple_iPhone_4.jpg',
  'jpeg/camera/Canon_EOS_7D.jpg',
  'jpeg/camera/Canon_EOS_D60.jpg',
  'jpeg/camera/Nikon_D5000.jpg',
  'jpeg/camera/Nikon_D1X.jpg',
  'jpeg/camera/Sony_DSC-HX5V_2.jpg',
  'jpeg/camera/Sony_Cybershot_3.jpg',
  'jpeg/camera/FujiFilm_FinePixS1Pro_1.jpg',
  'jpeg/camera/FujiFilm_DX-10.jpg',
  'jpeg/camera/Olympus_PEN_E-P3.jpg',
  'jpeg/camera/Samsung_GT-I9000_Galaxy_S.jpg',
  'jpeg/camera/HTC_Desire.jpg',
] as const;

export const sha1Hex = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

// A real server keeps what earlier runs uploaded: bytes after the JPEG's end marker make this
// run's files new to it while staying valid JPEGs. The double starts empty, so it gets the corpus bytes.
async function saltIfReal(file: string): Promise<void> {
  if (realServer) await appendFile(file, randomBytes(16));
}

async function pairFile(file: string, createdAt: string): Promise<PairFile> {
  return { path: file, fileName: path.basename(file), sha1: sha1Hex(await readFile(file)), createdAt, modifiedAt: createdAt };
}

export async function makeOriginal(dir: string, rel: string, createdAt = '2021-06-01T10:00:00.000Z'): Promise<PairFile> {
  const file = path.join(dir, path.basename(rel));
  await copyFile(corpusPath(rel), file);
  await saltIfReal(file);
  return pairFile(file, createdAt);
}

/** `variant` changes the rendering (a re-render gives different bytes). */
export async function makeProcessed(dir: string, rel: string, variant = 0): Promise<PairFile> {
  const base = path.basename(rel, path.extname(rel));
  const file = path.join(dir, `${base}-lightbox${variant ? `-v${variant}` : ''}.jpg`);
  const bytes = await sharp(corpusPath(rel)).rotate().resize({ width: 640 - variant * 40 }).modulate({ brightness: 1.05 + variant * 0.05 }).jpeg({ quality: 82 }).toBuffer();
  await writeFile(file, bytes);
  await saltIfReal(file);
  return pairFile(file, '2021-06-01T10:00:00.000Z');
}

export async function makePair(dir: string, rel: string): Promise<{ original: PairFile; processed: PairFile }> {
  return { original: await makeOriginal(dir, rel), processed: await makeProcessed(dir, rel) };
}
