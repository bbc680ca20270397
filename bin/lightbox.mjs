#!/usr/bin/env node
// Plain JS on purpose: it must run on any Node to say clearly when the Node is too old.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `lightbox needs Node 22.18 or newer (this is ${process.versions.node}). ` +
      'Run it from the project with `npx lightbox` or `npm run`, which use the bundled Node 22.',
  );
  process.exit(1);
}
await import('../src-main/cli.ts');
