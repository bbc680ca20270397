import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of DESIGN.md §1 are lint rules; this proves they fire (a rule that never fires
 * would pass `eslint .` forever). Each probe is linted as if it lived at the given path.
 */
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function violations(file: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId?.endsWith('no-restricted-imports')).length;
}

describe('layer rules (DESIGN §1)', () => {
  it.each([
    ['src-main/contract/x.ts', "import fs from 'node:fs';"],
    ['src-main/contract/x.ts', "import { createEngine } from '../engine/engine.ts';"],
    ['src-main/engine/x.ts', "import { app } from 'electron';"],
    ['src-main/engine/media/x.ts', "import React from 'react';"],
    ['src-main/engine/x.ts', "import { createHttpServer } from '../server/http-server.ts';"],
    ['src-main/engine/x.ts', "import { x } from '../shell/main.ts';"],
    ['src-main/server/x.ts', "import { x } from '../shell/ipc-transport.ts';"],
    ['src-main/shell/x.ts', "import { x } from '../server/http-server.ts';"],
    ['src-main/shell/preload.cts', "import { commands } from '../contract/api.ts';"],
    ['src-main/shell/preload.cts', "import fs from 'node:fs';"],
    ['src-renderer/src/x.ts', "import fs from 'node:fs';"],
    ['src-renderer/src/x.ts', "import { ipcRenderer } from 'electron';"],
    ['src-renderer/src/x.ts', "import { createEngine } from '../../src-main/engine/engine.ts';"],
    // Inside the engine: a folder never imports a layer above it (docs/ARCHITECTURE.md).
    ['src-main/engine/immich/x.ts', "import type { CommandHandlers } from '../services/engine-api.ts';"],
    ['src-main/engine/render/x.ts', "import type { RecipesService } from '../services/recipes-service.ts';"],
    ['src-main/engine/analysis/clip/x.ts', "import { createRecipesFeature } from '../../wiring/recipes-feature.ts';"],
    ['src-main/engine/media/x.ts', "import { createEngine } from '../engine.ts';"],
    ['src-main/engine/ingest/x.ts', "import { dispatch } from '../api/dispatch.ts';"],
    ['src-main/engine/services/x.ts', "import { createSettingsFeature } from '../wiring/settings-feature.ts';"],
    ['src-main/engine/services/x.ts', "import { createEngine } from '../engine.ts';"],
    ['src-main/engine/wiring/x.ts', "import type { Engine } from '../engine-types.ts';"],
    ['src-main/engine/recipes/ops/x.ts', "import sharp from 'sharp';\nimport { openLibrary } from '../../library/index.ts';"],
    ['src-main/engine/recipes/x.ts', "import { renderRecipe } from '../render/pipeline/index.ts';"],
    ['src-main/engine/library/x.ts', "import { JobQueue } from '../jobs/index.ts';"],
    ['src-main/engine/jobs/x.ts', "import { decode } from '../media/decode.ts';"],
    ['src-main/engine/base/x.ts', "import { openLibrary } from '../library/index.ts';"],
    ['src-main/engine/api/x.ts', "import { EventBus } from '../base/event-bus.ts';"],
    ['src-main/engine/media/x.ts', "import { app } from 'electron';"],
    ['src-main/engine/care/x.ts', "import { createCareFeature } from '../wiring/care-feature.ts';"],
    ['src-main/engine/library/x.ts', "import { scanLibrary } from '../care/verify-library.ts';"],
  ])('%s may not %s', async (file, code) => {
    expect(await violations(file, code)).toBeGreaterThan(0);
  });

  it.each([
    ['src-main/contract/x.ts', "import { z } from 'zod';\nimport { Photo } from './photo.ts';"],
    ['src-main/engine/x.ts', "import { Photo } from '../contract/index.ts';\nimport sharp from 'sharp';"],
    ['src-main/engine/engine.ts', "import { createRecipesFeature } from './wiring/recipes-feature.ts';\nimport { EventBus } from './base/event-bus.ts';"],
    ['src-main/engine/wiring/x.ts', "import { RecipesService } from '../services/recipes-service.ts';\nimport { uploadPair } from '../immich/index.ts';"],
    ['src-main/engine/services/x.ts', "import { renderRecipe } from '../render/pipeline/index.ts';\nimport { openLibrary } from '../library/index.ts';"],
    ['src-main/engine/immich/x.ts', "import { buildXmpSidecar } from '../render/pipeline/index.ts';\nimport { JobQueue } from '../jobs/index.ts';"],
    ['src-main/engine/render/x.ts', "import { newStep } from '../recipes/create.ts';\nimport { libraryLayout } from '../library/library-layout.ts';"],
    ['src-main/engine/recipes/ops/x.ts', "import { escapeXml } from '../../base/xml-escape.ts';"],
    ['src-main/engine/care/x.ts', "import { renderToLibrary } from '../render/render-to-library.ts';\nimport { SpacePauses } from '../jobs/index.ts';"],
    ['src-main/engine/immich/x.integration.test.ts', "import { createEngine } from '../engine.ts';"],
    ['src-main/shell/preload.cts', "import { contextBridge } from 'electron';\nimport type { Api } from '../contract/api.ts';"],
    ['src-renderer/src/x.ts', "import { commands } from '../../src-main/contract/index.ts';\nimport { create } from 'zustand';"],
  ])('%s may %s', async (file, code) => {
    expect(await violations(file, code)).toBe(0);
  });
});
