import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { canMountSmallDisk } from '../test-support/small-disk.ts';
import { waitFor } from '../test-support/temp-dir.ts';
import type { ApiClient } from './api-client.ts';
import { openPhoto, waitForEditedPreview } from './editor-helpers.ts';
import { SCREENSHOTS, pickJpegs } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

/**
 * Library care in the real UI (headless server, Chromium): backup targets, the library check and
 * the preview cache in Settings; the check's progress and a full disk on the Queue page. Screenshots
 * of each go to e2e/screenshots/care-*.png.
 */
describe.skipIf(!hasCorpus)('library care in the window', () => {
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;
  const jpegs = hasCorpus ? pickJpegs(4) : [];

  const openView = async (name: 'Settings' | 'Queue' | 'Library') => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name }).click();

  beforeAll(async () => {
    session = await openUiSession('care', { viewport: { width: 1280, height: 900 } });
    api = await session.connectApi();
    page = await session.newPage();
    for (const rel of jpegs) await copyFile(corpusPath(rel), path.join(session.watch, path.basename(rel)));
    await waitFor('the photos to be imported', async () => (await api.call('photos.list', {})).total === jpegs.length && (await api.call('queue.stats', {})).idle, 60_000);
    await page.goto(session.server.url);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  }, 60_000);

  it('adds backup targets, backs up with every copy verified, and shows an unplugged one calmly', async () => {
    await openView('Settings');
    const card = page.getByRole('region', { name: 'Backups' });
    const usb = path.join(session!.dir, 'usb', 'Lightbox');
    const nas = path.join(session!.dir, 'nas', 'Photos backup');
    await mkdir(path.dirname(usb));
    await mkdir(path.dirname(nas));
    for (const target of [usb, nas]) {
      await card.getByLabel('Backup folder on the Lightbox machine').fill(target);
      await card.getByRole('button', { name: 'Add target' }).click();
      await card.getByRole('listitem', { name: `Backup to ${target}` }).waitFor();
    }
    for (const target of [usb, nas]) {
      const row = card.getByRole('listitem', { name: `Backup to ${target}` });
      await row.getByRole('button', { name: 'Back up now' }).click();
      await row.getByText(/Last verified backup just now/).waitFor({ timeout: 30_000 });
    }
    // On the disk: the manifest names every original with the hash it was stored with.
    const manifest = JSON.parse(await readFile(path.join(usb, 'lightbox-backup.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
    const photos = (await api.call('photos.list', {})).photos;
    for (const photo of photos) expect(manifest.files[photo.originalPath!]?.sha256).toBe(photo.sha256);
    // The NAS share goes away: reported as not connected, no error storm, its button off.
    await rm(path.dirname(nas), { recursive: true });
    await page.reload();
    await openView('Settings');
    const away = card.getByRole('listitem', { name: `Backup to ${nas}` });
    await away.getByText(/^Not connected: plug in its disk or mount its share\. Last verified backup (just now|1 minute ago)\.$/).waitFor();
    expect(await away.getByRole('button', { name: 'Back up now' }).isDisabled()).toBe(true);
    expect(await card.getByRole('listitem', { name: `Backup to ${usb}` }).innerText()).toMatch(/Last verified backup .* · 8 files/);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(SCREENSHOTS, 'care-settings-backups.png') });
  }, 90_000);

  it('checks the library from Settings, finds a damaged original, repairs it from the backup', async () => {
    const card = page.getByRole('region', { name: 'Library check' });
    await card.getByRole('button', { name: 'Check now' }).click();
    await card.getByText('All files check out').waitFor({ timeout: 30_000 });
    // Bit rot in one original: the next check names it, and a repair brings it back from the USB backup.
    const [photo] = (await api.call('photos.list', {})).photos;
    const original = path.join(session!.library, photo!.originalPath!);
    const bytes = await readFile(original);
    bytes[bytes.length >> 1]! ^= 0x01;
    await writeFile(original, bytes);
    await card.getByRole('button', { name: 'Check now' }).click();
    const problems = card.getByRole('list', { name: 'Problems found' });
    await problems.waitFor({ timeout: 30_000 });
    expect(await problems.innerText()).toContain(`altered-original ${photo!.originalPath}`);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(SCREENSHOTS, 'care-settings-check-problem.png') });
    await card.getByRole('button', { name: 'Check and repair' }).click();
    await card.getByText(/All files check out.*1 repaired|1 repaired/).waitFor({ timeout: 30_000 });
    const state = await api.call('care.scrub.get', {});
    expect(state.last).toMatchObject({ ok: true, errors: 0, repaired: 1 });
    await card.screenshot({ path: path.join(SCREENSHOTS, 'care-settings-check.png') });
  }, 90_000);

  it('shows how much the previews take against their cap, changes the cap, and an evicted preview comes back in the loupe', async () => {
    const photos = (await api.call('photos.list', {})).photos;
    // The loupe's previews are made on first view; asked for here as the page would.
    const statuses = await page.evaluate(async (ids) => Promise.all(ids.map(async (id) => (await fetch(`/media/preview/${id}`)).status)), photos.map((p) => p.id));
    expect(statuses).toEqual([200, 200, 200, 200]);
    await page.reload();
    await openView('Settings');
    const card = page.getByRole('region', { name: 'Preview cache' });
    const cap = card.getByRole('combobox', { name: 'Keep up to' });
    expect(await cap.inputValue()).toBe(String(2048 * 1024 * 1024));
    await cap.selectOption(String(512 * 1024 * 1024));
    await waitFor('the cap to be stored', async () => (await api.call('cache.get', {})).capBytes === 512 * 1024 * 1024);
    expect(await card.innerText()).toMatch(/Previews: [\d.]+ (kB|MB) in 4 files .* thumbnails: .* in 4 files, kept/);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(SCREENSHOTS, 'care-settings-cache.png') });

    // Evicted (the cache removes the files, as here): the loupe gets them made again, never a broken image.
    const photo = photos[0]!;
    const shard = String(photo.id % 256).padStart(3, '0');
    const preview = path.join(session!.library, 'cache', 'previews', shard, `${photo.id}.jpg`);
    await rm(preview);
    await rm(path.join(session!.library, 'cache', 'edit', shard, `${photo.id}.jpg`), { force: true });
    await openView('Library');
    await page.getByRole('gridcell', { name: photo.fileName }).dblclick();
    const loupe = await openPhoto(page, photo.fileName);
    await waitForEditedPreview(page);
    const shown = await loupe.getByTestId('edited-preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(shown).toBeGreaterThan(256);
    await readFile(preview);
    await page.keyboard.press('Escape');
  }, 60_000);

  it('shows a running check on the Queue page, waiting while photos are imported', async () => {
    await openView('Queue');
    // A card's worth of new photos: the check steps aside while they are imported.
    const more = path.join(session!.watch, 'more');
    await mkdir(more);
    const source = await readFile(corpusPath(jpegs[0]!));
    for (let i = 0; i < 24; i++) await writeFile(path.join(more, `copy-${i}.jpg`), Buffer.concat([source.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x06, 0x63, 0x70, i >> 8, i & 0xff]), source.subarray(2)]));
    await waitFor('ingest to be busy', async () => {
      const stats = await api.call('queue.stats', {});
      return (stats.kinds['ingest']?.queued ?? 0) + (stats.kinds['ingest']?.running ?? 0) > 2;
    }, 30_000);
    const card = page.getByRole('region', { name: 'Library check' });
    await card.getByRole('button', { name: 'Check now' }).click();
    await card.getByText('Waiting while photos are imported').waitFor({ timeout: 20_000 });
    expect(await card.getByRole('progressbar', { name: 'Library check progress' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'care-queue-check-waiting.png') });
    await card.getByText(/Last check just now: all files check out/).waitFor({ timeout: 60_000 });
    await card.screenshot({ path: path.join(SCREENSHOTS, 'care-queue-check-done.png') });
  }, 120_000);
});

/** A full disk as the photographer sees it: the Queue page says what is paused and why, then carries on. */
describe.skipIf(!hasCorpus || !canMountSmallDisk)(`a full disk in the window${canMountSmallDisk ? '' : ' (skipped: mounting a small tmpfs is not permitted here)'}`, () => {
  let session: UiSession | undefined;
  let mounted = '';

  afterAll(async () => {
    // Detached first, so removing the session's folder does not meet a busy mount point.
    if (mounted) execFileSync('umount', ['-l', mounted]);
    await session?.close();
  }, 60_000);

  it('pauses the import with the folder and its free space named, and imports once space is freed', async () => {
    session = await openUiSession('care-full', {
      prepare: async (paths) => {
        await mkdir(paths.library);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', paths.library]);
        mounted = paths.library;
      },
    });
    const api = await session.connectApi();
    const page = await session.newPage();
    await page.goto(session.server.url);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Queue' }).click();
    const info = await statfs(session.library);
    const filler = path.join(session.library, 'filler');
    await writeFile(filler, Buffer.alloc(info.bavail * info.bsize - 1_000_000));
    await copyFile(corpusPath('jpeg/camera/Apple_iPhone_5.jpg'), path.join(session.watch, 'big.jpg'));
    const notice = page.getByRole('region', { name: 'Paused: the disk is full' });
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).toMatch(new RegExp(`Import\\s*The disk holding ${session.library}/originals is full \\(\\d+ kB free, 2\\.4 MB needed\\)`));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'care-queue-disk-full.png') });
    await rm(filler);
    await notice.waitFor({ state: 'detached', timeout: 30_000 });
    await waitFor('the photo to be imported', async () => (await api.call('photos.list', {})).photos.some((p) => p.fileName === 'big.jpg' && p.originalPath), 30_000);
  }, 120_000);
});
