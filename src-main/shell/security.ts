import { app, shell, type Session } from 'electron';
import { externalLinkTarget } from './external-links.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

/** Strict CSP on every response and no permission (camera, notifications, ...) is ever granted. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * Every web contents, including any created later: no navigation away from our page, no new
 * windows, no <webview>. The only links the UI has open in a new tab (licences, model homes):
 * those go to the user's browser, checked by externalLinkTarget; anything else is hostile or a bug.
 */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const target = externalLinkTarget(url);
      if (target) void shell.openExternal(target);
      return { action: 'deny' };
    });
  });
}
