import os from 'node:os';
import path from 'node:path';

/** Where a library lives unless the user says otherwise: the platform's per-user data folder. */
export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LIGHTBOX_LIBRARY) return path.resolve(env.LIGHTBOX_LIBRARY);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Lightbox', 'library');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Lightbox', 'library');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'lightbox', 'library');
}
