import type { Locator, Page } from 'playwright-core';

// The e2e project has no DOM lib: just the shapes these page functions touch.
type Img = { decode(): Promise<void> };
type Canvas = { width: number; height: number; getContext(kind: '2d'): { drawImage(img: Img, x: number, y: number, w: number, h: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
type Doc = { createElement(tag: 'canvas'): Canvas };

/** The loupe for one file, once it is open. */
export async function openPhoto(page: Page, fileName: string): Promise<Locator> {
  const loupe = page.getByRole('dialog', { name: `Loupe: ${fileName}` });
  await loupe.waitFor({ timeout: 30_000 });
  return loupe;
}

/** render.preview's image has arrived and decoded, and no newer request is running. */
export async function waitForEditedPreview(page: Page): Promise<void> {
  const img = page.getByTestId('edited-preview');
  await img.waitFor({ timeout: 60_000 });
  await page.locator('.editor-stage[data-busy="false"]').waitFor({ timeout: 60_000 });
  await img.evaluate((el) => (el as unknown as Img).decode());
}

/**
 * Mean brightness (0..255) of the edited preview as the page shows it: the real pixels of the
 * engine's render.preview JPEG, drawn to a canvas. CSP forbids eval, so this is a plain function.
 */
export function editedBrightness(page: Page): Promise<number> {
  return page.getByTestId('edited-preview').evaluate(async (el) => {
    const img = el as unknown as Img;
    await img.decode();
    const canvas = (globalThis as unknown as { document: Doc }).document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0, 64, 64);
    const data = ctx.getImageData(0, 0, 64, 64).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
    return sum / (data.length / 4);
  });
}
