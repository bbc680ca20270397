import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, type MenuActions } from './menu-template.ts';

function recorder(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    actions: { addHotFolder: () => calls.push('add'), openLibraryFolder: () => calls.push('open'), openHelp: () => calls.push('help') },
  };
}

const submenu = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (Array.isArray(item?.submenu) ? item.submenu : []);
const find = (template: MenuItemConstructorOptions[], id: string) => template.flatMap(submenu).find((i) => i.id === id);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();

describe('buildMenuTemplate', () => {
  it('has File, Edit, View, Window and Help on Windows/Linux, with Quit in File', () => {
    const { actions } = recorder();
    const template = buildMenuTemplate({ platform: 'linux', appName: 'Lightbox', isPackaged: true }, actions);
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
    expect(submenu(template[0]).map((i) => i.id ?? i.role ?? i.type)).toEqual(['add-hot-folder', 'open-library-folder', 'separator', 'quit']);
    expect(submenu(template[2]).some((i) => i.role === 'toggleDevTools')).toBe(false);
  });

  it('puts the app menu first on macOS and closes rather than quits from File', () => {
    const { actions } = recorder();
    const template = buildMenuTemplate({ platform: 'darwin', appName: 'Lightbox', isPackaged: false }, actions);
    expect(template.map((m) => m.label ?? m.role)).toEqual(['Lightbox', 'File', 'Edit', 'View', 'Window', 'help']);
    expect(submenu(template[0]).at(-1)?.role).toBe('quit');
    expect(submenu(template[1]).at(-1)?.role).toBe('close');
    expect(submenu(template[3]).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('wires the custom items to their actions', () => {
    const { actions, calls } = recorder();
    const template = buildMenuTemplate({ platform: 'win32', appName: 'Lightbox', isPackaged: true }, actions);
    expect(find(template, 'add-hot-folder')?.accelerator).toBe('CmdOrCtrl+Shift+O');
    click(find(template, 'add-hot-folder'));
    click(find(template, 'open-library-folder'));
    click(find(template, 'help'));
    expect(calls).toEqual(['add', 'open', 'help']);
  });
});
