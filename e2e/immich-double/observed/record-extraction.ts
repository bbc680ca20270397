#!/usr/bin/env node
/**
 * Records what a REAL Immich's metadata extraction makes of extraction-cases.ts, for the double's
 * replay test. Needs IMMICH_TEST_URL (…/api) and IMMICH_TEST_KEY (asset.upload, asset.read,
 * asset.delete). Everything it uploads is deleted for good at the end.
 *   node e2e/immich-double/observed/record-extraction.ts > e2e/immich-double/observed/extraction-v3.1.0.json
 */
import { randomBytes } from 'node:crypto';
import { caseBytes, extractionCases, observe, uploadCase, type Observed } from './extraction-cases.ts';

const baseUrl = process.env['IMMICH_TEST_URL']?.replace(/\/+$/, '');
const apiKey = process.env['IMMICH_TEST_KEY'];
if (!baseUrl || !apiKey) {
  console.error('Set IMMICH_TEST_URL and IMMICH_TEST_KEY.');
  process.exit(2);
}
const version = (await (await fetch(`${baseUrl}/server/version`)).json()) as { major: number; minor: number; patch: number };
const ids = new Map<string, string>();
try {
  for (const c of await extractionCases()) ids.set(c.name, await uploadCase(baseUrl, apiKey, c, await caseBytes(c, randomBytes(16))));
  const results: Record<string, Observed> = {};
  const deadline = Date.now() + 120_000;
  for (const [name, id] of ids) {
    for (;;) {
      const { extracted, ...seen } = await observe(baseUrl, apiKey, id);
      if (extracted) {
        results[name] = seen;
        break;
      }
      if (Date.now() > deadline) throw new Error(`extraction of ${name} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const server = `${version.major}.${version.minor}.${version.patch}`;
  process.stdout.write(`${JSON.stringify({ server, recordedAt: new Date().toISOString(), uploadDates: 'UPLOAD_DATES in extraction-cases.ts', results }, null, 1)}\n`);
} finally {
  if (ids.size) {
    await fetch(`${baseUrl}/assets`, { method: 'DELETE', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ ids: [...ids.values()], force: true }) });
  }
}
