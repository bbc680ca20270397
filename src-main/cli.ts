#!/usr/bin/env node
import { processCommand } from './cli/process-command.ts';
import { serveCommand } from './cli/serve-command.ts';
import { doctorCommand } from './cli/doctor-command.ts';
import { renderCommand } from './cli/render-command.ts';
import { presetsCommand } from './cli/presets-command.ts';
import { UsageError } from './cli/usage-error.ts';
import { analyzeCommand } from './cli/analyze-command.ts';
import { modelsCommand } from './cli/models-command.ts';
import { verifyCommand } from './cli/verify-command.ts';
import { backupCommand } from './cli/backup-command.ts';
import { restoreCommand } from './cli/restore-command.ts';

const USAGE = `Usage:
  lightbox serve [--library DIR] [--watch DIR]... [--port N] [--host ADDR] [--max-upload-mb N]
  lightbox process DIR... [--library DIR] [--json] [--quiet] [--metadata all|no-location|copyright]
                 [--immich-url URL [--album NAME] [--upload original|processed|both] [--cover processed|original]]
  lightbox doctor [--library DIR] [--json] [--immich-url URL]
  lightbox analyze FILE... [--json] [--no-subject]
  lightbox render FILE [--recipe R.json] [--auto-enhance] --out O [--target ID[:extend[:#rrggbb]]] [--metadata all|no-location|copyright] [--json]
  lightbox presets list [--library DIR] [--json]
  lightbox presets apply NAME PHOTO... [--library DIR] [--json]
  lightbox presets import FILE [--library DIR]
  lightbox presets export NAME [--out FILE] [--library DIR]
  lightbox models list|download ID|verify [ID] [--json]
  lightbox verify [--library DIR] [--json] [--repair]
  lightbox backup [--library DIR] --to DIR [--json] [--verify]
  lightbox restore --from DIR [--library DIR] [--json]

The library defaults to your user data folder; LIGHTBOX_LIBRARY or --library overrides it.
The Immich API key is read from IMMICH_API_KEY.`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  serve: serveCommand,
  process: processCommand,
  doctor: doctorCommand,
  analyze: analyzeCommand,
  render: renderCommand,
  presets: presetsCommand,
  models: modelsCommand,
  verify: verifyCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`Unknown command "${name}".`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`lightbox: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(`lightbox: ${error.message}`);
      process.exitCode = 1;
    }
  },
);
