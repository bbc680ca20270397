import type { MenuItemConstructorOptions } from 'electron';

/** What the menu does; main wires these to dialogs and the engine (app-menu.ts). */
export type MenuActions = {
  addHotFolder(): void;
  openLibraryFolder(): void;
  openHelp(): void;
};

export type MenuState = {
  /** process.platform: macOS puts the app menu first and keeps Quit there. */
  platform: NodeJS.Platform;
  appName: string;
  /** Packaged builds hide the developer tools item. */
  isPackaged: boolean;
};

/**
 * The application menu as data, so it is testable without Electron. Standard items use roles so
 * each platform gets its native labels, shortcuts and behaviour (undo in text fields, zoom...).
 */
export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (mac) {
    template.push({
      label: state.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }

  template.push({
    label: 'File',
    submenu: [
      { id: 'add-hot-folder', label: 'Add Hot Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.addHotFolder() },
      { id: 'open-library-folder', label: 'Open Library Folder', click: () => actions.openLibraryFolder() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  });

  // The UI has its own undo (recipes) on Cmd/Ctrl+Z; the role items still serve text fields.
  template.push({
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });

  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }, { role: 'forceReload' }];
  if (!state.isPackaged) view.push({ role: 'toggleDevTools' });
  view.push({ type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' });
  template.push({ label: 'View', submenu: view });

  template.push({
    label: 'Window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });

  template.push({
    role: 'help',
    submenu: [{ id: 'help', label: `${state.appName} Help`, click: () => actions.openHelp() }],
  });

  return template;
}
