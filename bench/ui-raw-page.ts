// The "raw" baseline for the scroll benchmark: a static HTML grid of the same thumbnails (same
// URLs, same tile size, same scroller size), with no script, no framework and no virtualisation,
// every image loaded before the scroll starts. Scrolled the same way in the same run, its frames
// cost only what Chromium needs for the pixels (image decode, raster, compositing): the floor the
// app's figure is read against on this machine, rather than against 16.7 ms alone.
// (Only as many rows as the scroll crosses: 10,000 static tiles would cost more per frame than the
// app does, in lazy-image bookkeeping over 40,000 elements, and be no floor at all.)
import type { BrowserContext } from 'playwright-core';

export type RawGridShape = {
  /** Image URLs in grid order, as the app requests them. */
  sources: string[];
  columns: number;
  tile: { width: number; height: number };
  gap: number;
  scroller: { width: number; height: number };
};

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function rawGridHtml(shape: RawGridShape): string {
  const tile = (src: string, i: number) =>
    `<div class="t" role="gridcell"><div class="p"><img src="${esc(src)}" alt="" decoding="async"></div><div class="c">IMG_${String(i).padStart(5, '0')}.jpg</div></div>`;
  const rows = [];
  for (let i = 0; i < shape.sources.length; i += shape.columns) rows.push(`<div class="r">${shape.sources.slice(i, i + shape.columns).map((src, j) => tile(src, i + j)).join('')}</div>`);
  // Same boxes as the app's tiles (border, caption strip, square thumbnail area), in plain flow.
  return `<!doctype html><html><head><meta charset="utf-8"><title>raw grid</title><style>
html,body{margin:0;height:100%;background:#1e1e1e;color:#e4e4e4;font:12px system-ui,sans-serif}
[role=grid]{width:${shape.scroller.width}px;height:${shape.scroller.height}px;overflow-y:auto}
.g{padding:12px}
.r{display:flex;gap:${shape.gap}px;height:${shape.tile.height}px;margin-bottom:${shape.gap}px}
.t{flex:none;width:${shape.tile.width}px;height:${shape.tile.height}px;border:1px solid #3a3a3a;border-radius:4px;background:#252525;display:flex;flex-direction:column;box-sizing:border-box}
.p{flex:1;min-height:0;position:relative;background:#171717}
.p img{position:absolute;inset:4px;width:calc(100% - 8px);height:calc(100% - 8px);object-fit:contain}
.c{height:28px;line-height:28px;padding:0 8px;white-space:nowrap;overflow:hidden}
</style></head><body><div role="grid"><div class="g">${rows.join('')}</div></div></body></html>`;
}

/**
 * Serves the raw page at `${origin}/__bench/raw-grid` inside `context` (same origin, so the media
 * cookie and the server's caching rules apply to its images exactly as to the app's).
 */
export async function routeRawGrid(context: BrowserContext, origin: string, shape: RawGridShape): Promise<string> {
  const url = `${origin}/__bench/raw-grid`;
  const html = rawGridHtml(shape);
  await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  return url;
}
