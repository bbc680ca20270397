import { app, dialog, Menu, shell, type BrowserWindow } from 'electron';
import { ApiError, type Api } from '../contract/index.ts';
import { buildMenuTemplate } from './menu-template.ts';

/** Shows an engine error the way the UI would: its sentence, with the code for support. */
export async function showError(win: BrowserWindow | null, title: string, error: unknown): Promise<void> {
  const detail = error instanceof ApiError ? `${error.message} (${error.code})` : 'Lightbox hit an internal error; the details are in its log.';
  if (!(error instanceof ApiError)) console.error(`[lightbox] ${title}`, error);
  const options = { type: 'warning' as const, message: title, detail, buttons: ['OK'] };
  await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
}

/** The application menu: File › Add Hot Folder… uses the native folder picker the headless UI lacks. */
export function installAppMenu(opts: { api: Api; window: () => BrowserWindow | null; libraryDir: string }): void {
  const addHotFolder = async (): Promise<void> => {
    const win = opts.window();
    const choice = await (win
      ? dialog.showOpenDialog(win, { title: 'Add a hot folder', properties: ['openDirectory', 'createDirectory'] })
      : dialog.showOpenDialog({ title: 'Add a hot folder', properties: ['openDirectory', 'createDirectory'] }));
    const folder = choice.filePaths[0];
    if (choice.canceled || !folder) return;
    try {
      await opts.api.call('folders.add', { path: folder });
    } catch (error) {
      await showError(win, `Could not add ${folder} as a hot folder`, error);
    }
  };

  const openLibraryFolder = async (): Promise<void> => {
    // shell.openPath answers with an error string rather than throwing.
    const failure = await shell.openPath(opts.libraryDir);
    if (failure) await showError(opts.window(), 'Could not open the library folder', new ApiError('not-found', `${failure}: ${opts.libraryDir}`));
  };

  // No remote help pages (the window shows no remote content): a short local explanation instead.
  const openHelp = async (): Promise<void> => {
    const options = {
      type: 'info' as const,
      message: 'Lightbox Help',
      detail:
        'Add a hot folder (File › Add Hot Folder… or drop a folder on the window): every photo that lands in it is imported, analysed and rendered.\n\n' +
        'Drop photos on the window to copy them into your first hot folder.\n\nPress ? in the window for the keyboard shortcuts.',
      buttons: ['OK'],
    };
    const win = opts.window();
    await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };

  const template = buildMenuTemplate(
    { platform: process.platform, appName: app.name, isPackaged: app.isPackaged },
    { addHotFolder: () => void addHotFolder(), openLibraryFolder: () => void openLibraryFolder(), openHelp: () => void openHelp() },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
