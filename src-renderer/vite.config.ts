import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * A CSP meta tag in the built page, as a second lock behind the server's and the Electron shell's
 * headers (both apply; the stricter wins). Only in builds: the dev server needs inline scripts.
 */
const BUILD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: lightbox-media:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'lightbox-csp-meta',
    apply: 'build',
    // Right after the charset: a CSP meta tag only governs what follows it.
    transformIndexHtml: (html) => {
      const charset = '<meta charset="utf-8" />';
      if (!html.includes(charset)) throw new Error('index.html must start its <head> with <meta charset="utf-8" />');
      return html.replace(charset, `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${BUILD_CSP}" />`);
    },
  };
}

export default defineConfig({
  // import.meta.dirname (not node:url): this file sits in src-renderer/, where lint forbids Node imports.
  root: import.meta.dirname,
  // Relative asset URLs: the same build is loaded from file:// in Electron and from / over HTTP.
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inlined data: assets, so nothing depends on img-src data: for our own files.
    assetsInlineLimit: 0,
  },
});
