import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { auditElectron, formatFindings, isHigh } from './electron-audit.mjs';

type Finding = { id: string; severity: string; file: string; line: number };
type Report = { checks: number; findings: Finding[]; errors: { file: string; tolerable: boolean }[] };

/** electronegativity on the shell's sources, offline (see electron-audit.mjs for how). */
describe('Electron security audit (electronegativity)', () => {
  it('finds no high-severity problem in the shell', async () => {
    const report = (await auditElectron()) as Report;
    console.log(formatFindings(report));
    expect(report.checks).toBeGreaterThan(30);
    expect(report.errors.filter((e) => !e.tolerable)).toEqual([]);
    // The audit really read the shell: it points at the BrowserWindow's preload in main.ts.
    expect(report.findings).toContainEqual(expect.objectContaining({ id: 'PRELOAD_JS_CHECK', file: 'main.ts' }));
    expect(report.findings.filter(isHigh)).toEqual([]);
  });

  it('does report the classic mistakes (the audit can fail)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-audit-bad-'));
    try {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'bad', devDependencies: { electron: '45.4.1' } }));
      await writeFile(
        path.join(dir, 'main.ts'),
        [
          "import { BrowserWindow } from 'electron';",
          'const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });',
          "win.loadURL('http://example.invalid/');",
        ].join('\n'),
      );
      const report = (await auditElectron(dir)) as Report;
      const high = report.findings.filter(isHigh).map((f) => f.id);
      // High: context isolation off, and no will-navigate/new-window limits anywhere (the shell has both).
      expect(high).toEqual(expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']));
      expect(report.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['WEB_SECURITY_JS_CHECK', 'SANDBOX_JS_CHECK']));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
