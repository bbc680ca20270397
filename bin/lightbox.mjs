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
// Our malloc settings are read by glibc at process start only: without them, start again with
// them (same process, same PID and terminal: execve). See src-main/malloc-env.ts.
const { lacksMallocEnv, mallocEnv } = await import('../src-main/malloc-env.ts');
if (lacksMallocEnv(process.env) && typeof process.execve === 'function') {
  // execve is still marked experimental in Node 22; that warning is no business of the user's.
  process.removeAllListeners('warning');
  process.execve(process.execPath, [process.execPath, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], mallocEnv(process.env));
}
await import('../src-main/cli.ts');
