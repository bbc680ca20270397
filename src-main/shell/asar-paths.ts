import path from 'node:path';

/**
 * The folder electron-builder unpacks `asarUnpack` files into, beside `app.asar`. Native code
 * (onnxruntime reading a model) cannot read inside an asar archive, so anything it opens must be
 * addressed through this folder. Outside an asar (development) the path is returned unchanged.
 */
export function unpackedPath(appPath: string): string {
  const parts = appPath.split(path.sep);
  const index = parts.lastIndexOf('app.asar');
  if (index === -1) return appPath;
  parts[index] = 'app.asar.unpacked';
  return parts.join(path.sep);
}
