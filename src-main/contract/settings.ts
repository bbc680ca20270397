import { z } from 'zod';

export const AppInfo = z.object({
  name: z.literal('Lightbox'),
  version: z.string(),
  libraryDir: z.string(),
  /** 'electron' or 'headless': the UI hides what a transport cannot do (a native folder picker). */
  mode: z.enum(['electron', 'headless']),
});
export type AppInfo = z.infer<typeof AppInfo>;
