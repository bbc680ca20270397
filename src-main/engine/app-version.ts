import { readFileSync } from 'node:fs';

/** Read once from package.json so the UI, doctor and Immich metadata all report the same version. */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
