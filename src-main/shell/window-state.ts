import { readFile, writeFile, rename } from 'node:fs/promises';
import type { BrowserWindow } from 'electron';
import { z } from 'zod';

const WindowState = z.object({
  width: z.number().int().min(640).max(16_384),
  height: z.number().int().min(480).max(16_384),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 840, maximized: false };

/** A missing or hand-mangled file is not worth an error dialog: fall back to the default size. */
export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    const parsed = WindowState.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

/** Saves the size when the window closes (the un-maximised size, so restoring un-maximises sensibly). */
export function rememberWindowState(win: BrowserWindow, file: string): void {
  win.on('close', () => {
    const { width, height } = win.getNormalBounds();
    const state: WindowState = { width, height, maximized: win.isMaximized() };
    const temp = `${file}.tmp`;
    writeFile(temp, JSON.stringify(state))
      .then(() => rename(temp, file))
      .catch((error: unknown) => console.error('[lightbox] could not save the window size:', error));
  });
}
