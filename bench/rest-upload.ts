// REST upload benchmark (not a test): POST /api/v1/photos with curl against the server in this
// process, until its 202, next to the same work done by the raw calls (copy the file, hash it, open
// it with the decode check). The server's peak RSS shows the body is streamed: it must not grow with
// the photo's size. The engine is not started, so no ingest job competes with the request.
// Run: npm run bench -- rest-upload   (or: node bench/rest-upload.ts [--runs 5])
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { copyFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createEngine } from '../src-main/engine/engine.ts';
import { hashFile } from '../src-main/engine/ingest/hash-file.ts';
import { openImage } from '../src-main/engine/media/index.ts';
import { createHttpServer } from '../src-main/server/http-server.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { percentile, printTable, trackPeakRss } from './bench-utils.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);

/** A noisy JPEG (noise keeps it large, as a real photo's detail does). */
async function makeJpeg(file: string, width: number, height: number): Promise<number> {
  const [w, h] = [Math.ceil(width / 4), Math.ceil(height / 4)];
  const noise = randomBytes(w * h * 3);
  await sharp(noise, { raw: { width: w, height: h, channels: 3 } }).resize(width, height, { kernel: 'cubic' }).jpeg({ quality: 95 }).toFile(file);
  return (await stat(file)).size;
}

const ms = (start: number) => performance.now() - start;
const dir = await tempDir('lightbox-bench-rest-');
const engine = await createEngine({ libraryDir: path.join(dir.path, 'library'), watchFolders: false, tuning: { analysis: { enabled: false } } });
const server = await createHttpServer({ api: engine.api, resolveMedia: engine.resolveMedia, staticDir: dir.path, port: 0, rest: { port: engine.rest }, log: () => {} });
try {
  const rows: Array<Record<string, string | number>> = [];
  for (const [label, width, height] of [['24 MP', 6000, 4000], ['54 MP', 9000, 6000]] as const) {
    const file = path.join(dir.path, `${width}x${height}.jpg`);
    const bytes = await makeJpeg(file, width, height);
    const raw: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const copy = path.join(dir.path, 'copy.jpg');
      const start = performance.now();
      await copyFile(file, copy);
      await hashFile(copy);
      await openImage(copy);
      raw.push(ms(start));
      await rm(copy);
    }
    const rest: number[] = [];
    const before = process.memoryUsage.rss() / 1024 / 1024;
    const peak = trackPeakRss();
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      // curl runs beside this process: the server answering it lives on this event loop.
      const { stdout: status } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${server.token}`, '-F', `file=@${file}`, `http://127.0.0.1:${server.port}/api/v1/photos`]);
      rest.push(ms(start));
      if (status !== '202') throw new Error(`upload answered ${status}`);
    }
    const peakMb = peak.stop();
    const mb = bytes / 1024 / 1024;
    rows.push({
      photo: `${label} JPEG, ${mb.toFixed(1)} MB`,
      'raw copy+hash+open p50 ms': percentile(raw, 50),
      'REST 202 p50 ms': percentile(rest, 50),
      'REST MB/s': mb / (percentile(rest, 50) / 1000),
      ratio: percentile(rest, 50) / percentile(raw, 50),
      'server RSS growth MB': peakMb - before,
    });
  }
  printTable(`POST /api/v1/photos with curl (${RUNS} runs each) next to the raw calls`, rows);
} finally {
  await server.close();
  await engine.close();
  await dir.cleanup();
}
