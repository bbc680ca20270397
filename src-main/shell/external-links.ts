/**
 * A link the page asks to open in a new window (a model's licence or home page in Settings) goes to
 * the user's browser, never into an Electron window: only plain http(s) URLs with no credentials,
 * so file:, javascript:, custom schemes and smuggled logins never reach shell.openExternal.
 */
export function externalLinkTarget(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return url.href;
}
