#!/usr/bin/env node
/**
 * Runs the Immich double alone, e.g. to point the app at it by hand:
 *   node e2e/immich-double/cli.ts --port 2283 --key secret [--key other] [--storage /tmp/immich-double]
 * Prints the base URL on the first line (for scripts), then the key(s).
 */
import { parseArgs } from 'node:util';
import { startImmichDouble } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2283' },
    key: { type: 'string', multiple: true },
    storage: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0-65535, got ${values.port}`);
  process.exit(2);
}

const double = await startImmichDouble({
  port,
  ...(values.key?.length ? { apiKeys: values.key } : {}),
  ...(values.storage ? { storageDir: values.storage } : {}),
});
console.log(double.url);
console.log(`x-api-key: ${double.apiKey}`);

const stop = () => {
  void double.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
