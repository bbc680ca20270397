import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

/** Settings › API tokens in Chromium: create, shown once, works with the REST API, revoked, refused. */
describe('settings: API tokens (headless server, Chromium)', () => {
  let session: UiSession | undefined;
  let page: Page;
  let origin: string;
  /** The full-access token the first test creates and the second revokes. */
  let secret = '';

  const status = async (secret: string) => (await fetch(`${origin}/api/v1/photos`, { headers: { Authorization: `Bearer ${secret}` } })).status;

  beforeAll(async () => {
    session = await openUiSession('api-tokens', { viewport: { width: 1280, height: 900 } });
    origin = new URL(session.server.url).origin;
    page = await session.newPage();
    await page.goto(session.server.url);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('creates a token, shows its secret once, and the secret works against the REST API', async () => {
    const card = page.getByRole('region', { name: 'API tokens' });
    await card.getByText('No tokens yet.').waitFor();
    const form = card.getByRole('form', { name: 'New API token' });
    expect(await form.getByRole('button', { name: 'Create token' }).isDisabled()).toBe(true);
    await form.getByRole('textbox', { name: 'Name' }).fill('NAS import script');
    await form.getByRole('combobox', { name: 'Access' }).selectOption('full');
    await form.getByRole('button', { name: 'Create token' }).click();

    const shown = card.getByRole('region', { name: 'New token' });
    await shown.waitFor();
    secret = await shown.getByRole('textbox', { name: 'Token' }).inputValue();
    expect(secret).toMatch(/^lbx_[A-Za-z0-9_-]{43}$/);
    expect(await shown.innerText()).toContain('it is not shown again');
    expect(await shown.locator('pre').innerText()).toBe(`curl -H "Authorization: Bearer ${secret}" ${origin}/api/v1/photos`);
    const row = card.getByRole('list', { name: 'API tokens' }).getByRole('listitem').filter({ hasText: 'NAS import script' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Full access\s+lbx_\S{6}…/);
    await card.screenshot({ path: path.join(SCREENSHOTS, 'settings-api-token-created.png') });
    expect(await status(secret)).toBe(200);

    // Once dismissed, the secret is nowhere on the page, and a reload does not bring it back.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret.slice(10));
    // The row says when the token was last used (the request above).
    expect(await row.innerText()).not.toMatch(/last used never/);
  }, 60_000);

  it('revokes a token after a confirmation; the API refuses it from then on', async () => {
    const card = page.getByRole('region', { name: 'API tokens' });
    const row = card.getByRole('list', { name: 'API tokens' }).getByRole('listitem').filter({ hasText: 'NAS import script' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    const confirm = row.getByRole('group', { name: 'Revoke NAS import script' });
    expect(await confirm.innerText()).toMatch(/Scripts using it are refused from now on/);
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText(/revoked/).waitFor();
    expect(await row.getAttribute('data-revoked')).toBe('true');
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect(await status(secret)).toBe(401);

    // A second, read-only token: listed first (live ones before revoked), limited to looking.
    const form = card.getByRole('form', { name: 'New API token' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Dashboard');
    await form.getByRole('button', { name: 'Create token' }).click();
    const readOnly = await card.getByRole('region', { name: 'New token' }).getByRole('textbox', { name: 'Token' }).inputValue();
    await card.getByRole('button', { name: 'I have copied it' }).click();
    const names = await card.getByRole('list', { name: 'API tokens' }).locator('.api-token-name').allInnerTexts();
    expect(names).toEqual(['Dashboard', 'NAS import script']);
    expect(await status(readOnly)).toBe(200);
    const upload = await fetch(`${origin}/api/v1/photos`, { method: 'POST', headers: { Authorization: `Bearer ${readOnly}` }, body: new FormData() });
    expect(upload.status).toBe(403);
    await card.screenshot({ path: path.join(SCREENSHOTS, 'settings-api-token-revoked.png') });
  }, 60_000);
});
