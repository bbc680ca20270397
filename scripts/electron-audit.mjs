// Static security audit of the Electron shell with @doyensec/electronegativity, offline.
// `node scripts/electron-audit.mjs` prints the findings and exits 1 on any HIGH (or worse) finding;
// scripts/electron-audit.test.ts runs the same audit as part of the test suite.
//
// Offline: electronegativity fetches two things from the internet on every run, (1) translations
// (locales/i18n.js, on start-up) and (2) Electron's release list (the AvailableSecurityFixes global
// check). We give it (1) from its own bundled en-US file by pre-loading that module, and skip (2):
// it only says whether a newer Electron has security fixes, which is a dependency-update question,
// not a property of our code. The Electron version is passed explicitly instead of guessed.
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));

export const SKIPPED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

function useBundledTranslations() {
  const i18nModule = path.join(toolDir, 'dist', 'locales', 'i18n.js');
  if (require.cache[i18nModule]) return;
  const i18n = require(require.resolve('i18n', { paths: [toolDir] }));
  const Module = require('node:module');
  const replacement = new Module(i18nModule);
  replacement.filename = i18nModule;
  replacement.loaded = true;
  replacement.exports = async () => {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: path.dirname(i18nModule), updateFiles: false, objectNotation: true, register: global });
    i18n.setLocale('en-US');
  };
  require.cache[i18nModule] = replacement;
}

/**
 * The tool reads .ts but not .cts, so the shell is staged in a temp folder: its sources (without
 * tests), the preload as preload.ts, package.json (the Electron version) and the page the window
 * loads (the built one when it exists: it carries the CSP meta tag).
 */
export async function stageShell(stage) {
  const shellDir = path.join(root, 'src-main', 'shell');
  await Promise.all(
    (await readdir(shellDir))
      .filter((name) => /\.c?ts$/.test(name) && !name.includes('.test.'))
      .map((name) => copyFile(path.join(shellDir, name), path.join(stage, name.replace(/\.cts$/, '.ts')))),
  );
  await copyFile(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  const built = path.join(root, 'dist', 'renderer', 'index.html');
  await copyFile(built, path.join(stage, 'index.html')).catch(() => copyFile(path.join(root, 'src-renderer', 'index.html'), path.join(stage, 'index.html')));
}

/** Runs electronegativity on `input` (a folder), or on the staged shell when omitted. */
export async function auditElectron(input) {
  useBundledTranslations();
  const run = require(path.join(toolDir, 'dist', 'runner.js'));
  const electronVersion = JSON.parse(await readFile(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const stage = input ? null : await mkdtemp(path.join(os.tmpdir(), 'lightbox-audit-'));
  try {
    if (stage) await stageShell(stage);
    const result = await run(
      { input: input ?? stage, isRelative: true, customScan: [], excludeFromScan: SKIPPED_CHECKS, electronVersionOverride: electronVersion, parserPlugins: [] },
      false,
    );
    return {
      electronVersion,
      checks: result.globalChecks + result.atomicChecks,
      errors: result.errors,
      findings: result.issues.map((issue) => ({
        id: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: issue.file,
        line: issue.location?.line ?? 0,
        description: issue.description,
      })),
    };
  } finally {
    if (stage) await rm(stage, { recursive: true, force: true });
  }
}

export const isHigh = (finding) => finding.severity === 'HIGH' || finding.severity === 'CRITICAL';

export function formatFindings(report) {
  const rows = report.findings.map((f) => [f.severity, f.confidence, f.id, `${f.file}:${f.line}`, f.description]);
  const header = ['severity', 'confidence', 'check', 'where', 'finding'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [
    `electronegativity: ${report.checks} checks on Electron ${report.electronVersion} (skipped offline: ${SKIPPED_CHECKS.join(', ')})`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `${report.findings.filter(isHigh).length} high-severity finding(s), ${report.findings.length} in all`,
  ].join('\n');
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  const report = await auditElectron(process.argv[2]);
  console.log(formatFindings(report));
  for (const error of report.errors) console.error(`could not parse ${error.file}: ${error.message}`);
  process.exitCode = report.findings.some(isHigh) || report.errors.some((e) => !e.tolerable) ? 1 : 0;
}
