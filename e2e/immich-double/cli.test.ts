import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { getAssetInfo, getServerVersion, init, isHttpError } from '@immich/sdk';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('Immich double CLI', () => {
  it('prints its URL first, accepts the given key, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--key', 'secret'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const url = String((await lines.next()).value);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
      expect((await lines.next()).value).toBe('x-api-key: secret');

      init({ baseUrl: url, apiKey: 'secret' });
      expect(await getServerVersion()).toEqual({ major: 3, minor: 1, patch: 0, prerelease: null });
      const status = await getAssetInfo({ id: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => (isHttpError(e) ? e.status : e));
      expect(status).toBe(400);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
