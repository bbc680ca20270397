import { app } from 'electron';
import path from 'node:path';
import { unpackedPath } from './asar-paths.ts';

// Imported by main.ts before the engine, for its side effect: the engine reads LIGHTBOX_MODELS_DIR
// when its model manifest module loads. In a packaged app the weights and their manifest are
// unpacked from the asar (electron-builder.yml `asarUnpack`), because the ONNX runtime opens them
// with native file calls that cannot see inside an archive.
if (app.isPackaged && !process.env.LIGHTBOX_MODELS_DIR) {
  process.env.LIGHTBOX_MODELS_DIR = path.join(unpackedPath(app.getAppPath()), 'models');
}
