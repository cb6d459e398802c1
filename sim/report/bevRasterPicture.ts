// The intent model's input raster as a picture a person can read: the channels painted in one RGBA
// image, the street underneath and the agents on top, each channel's value (0..255) as its opacity.
import { escapeHtml } from "./escapeHtml.ts";
import { pngDataUrl } from "./png.ts";

/** Paint order and colour of each raster channel (later ones cover earlier ones). */
export const RASTER_CHANNEL_COLORS: Readonly<Record<string, readonly [number, number, number]>> = Object.freeze({
  sidewalk: [196, 196, 188],
  road: [96, 96, 100],
  crosswalk: [240, 240, 240],
  curb: [20, 20, 20],
  agents: [230, 126, 34],
  ego: [47, 111, 214],
  history: [192, 57, 43],
});

const BACKGROUND = [232, 239, 224] as const;

/**
 * RGBA pixels (size × size × 4) of one raster (channel-major C × size × size, uint8), row 0 on top:
 * every channel in `RASTER_CHANNEL_COLORS` order, blended over the background by its value.
 */
export function bevRasterRgba(raster: Uint8Array, channels: readonly string[], sizePx: number): Uint8Array {
  const plane = sizePx * sizePx;
  if (raster.length !== channels.length * plane) {
    throw new Error(`raster picture: ${channels.length} channels of ${sizePx} × ${sizePx} need ${channels.length * plane} bytes, got ${raster.length}`);
  }
  const unknown = channels.filter((c) => !(c in RASTER_CHANNEL_COLORS));
  if (unknown.length) throw new Error(`raster picture: no colour for channel ${unknown.join(", ")}`);
  const rgb = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) rgb.set(BACKGROUND, i * 3);
  for (const [name, colour] of Object.entries(RASTER_CHANNEL_COLORS)) {
    const c = channels.indexOf(name);
    if (c < 0) continue;
    for (let i = 0; i < plane; i++) {
      const a = raster[c * plane + i] / 255;
      if (a === 0) continue;
      for (let k = 0; k < 3; k++) rgb[i * 3 + k] += a * (colour[k] - rgb[i * 3 + k]);
    }
  }
  const out = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) out[i * 4 + k] = Math.round(rgb[i * 3 + k]);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** A PNG data URL of the raster picture. */
export function bevRasterDataUrl(raster: Uint8Array, channels: readonly string[], sizePx: number): string {
  return pngDataUrl(sizePx, sizePx, bevRasterRgba(raster, channels, sizePx));
}

/**
 * The raster picture as inline SVG, scaled up with crisp pixels, a caption under it and a marker at
 * the centre pixel (the pedestrian) pointing to row 0 ("ahead").
 */
export function renderBevRasterSvg(dataUrl: string, caption: string, widthPx = 160): string {
  const c = widthPx / 2;
  const s = widthPx / 40;
  return (
    `<svg class="raster" xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${widthPx + 18}" viewBox="0 0 ${widthPx} ${widthPx + 18}" role="img" aria-label="${escapeHtml(caption)}">` +
    `<image href="${dataUrl}" x="0" y="0" width="${widthPx}" height="${widthPx}" style="image-rendering:pixelated" preserveAspectRatio="none"/>` +
    `<path d="M${c} ${c - 2 * s} L${c + s} ${c + s} L${c - s} ${c + s} Z" fill="#fff" stroke="#000" stroke-width="0.8"/>` +
    `<text x="${c}" y="${widthPx + 13}" class="tick" text-anchor="middle">${escapeHtml(caption)}</text></svg>`
  );
}
