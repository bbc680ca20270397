import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../engine/engine.ts';
import { projectRoot } from '../engine/base/project-root.ts';
import { createHttpServer } from '../server/http-server.ts';
import { defaultLibraryDir } from './default-library.ts';
import { UsageError } from './usage-error.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      library: { type: 'string' },
      watch: { type: 'string', multiple: true, default: [] },
      port: { type: 'string', default: '7420' },
      host: { type: 'string', default: '127.0.0.1' },
      // `npm start` passes it: a source checkout fetches missing bundled models in the background.
      'fetch-models': { type: 'boolean', default: false },
      'max-upload-mb': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port} is not a port number.`);
  const maxUploadMb = values['max-upload-mb'] === undefined ? undefined : Number(values['max-upload-mb']);
  if (maxUploadMb !== undefined && !(maxUploadMb > 0 && maxUploadMb <= 1024 * 1024)) throw new UsageError(`--max-upload-mb ${values['max-upload-mb']} is not a size in megabytes.`);
  const staticDir = path.join(projectRoot, 'dist', 'renderer');
  if (!existsSync(staticDir)) throw new UsageError(`The UI is not built yet (${staticDir} is missing): run \`npm run build:renderer\` first, or use \`npm start\`.`);
  if (!LOOPBACK.has(values.host)) {
    console.warn(`[lightbox] Listening on ${values.host}: anyone who can reach this address and has the token can see your library.`);
  }

  const engine = await createEngine({
    libraryDir: values.library ?? defaultLibraryDir(),
    watch: values.watch,
    mode: 'headless',
    fetchModels: values['fetch-models'] ? 'at-start' : 'on-request',
  });
  await engine.start();
  const server = await createHttpServer({
    api: engine.api,
    resolveMedia: engine.resolveMedia,
    staticDir,
    host: values.host,
    port,
    rest: { port: engine.rest, ...(maxUploadMb === undefined ? {} : { limits: { maxUploadBytes: Math.floor(maxUploadMb * 1024 * 1024) } }) },
  });
  console.log(`Lightbox is running at ${server.url}`);
  console.log(`Library: ${(await engine.api.call('app.info', {})).libraryDir}`);
  const models = await engine.api.call('models.fetchStatus', {});
  if (models.missing.length > 0 && models.state !== 'fetching') {
    console.log(`Models missing: ${models.missing.map((m) => m.id).join(', ')}. Photos are analysed without them; fetch them in Settings › Models or with \`npm run models\`.`);
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.close();
  return 0;
}
