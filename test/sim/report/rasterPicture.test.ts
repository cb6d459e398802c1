// The PNG encoder and the raster picture of the intent evaluation page: the bytes follow the PNG
// layout (chunk CRCs, IHDR, the pixel rows back out of IDAT), and Chromium decodes them to the same
// pixels; the picture paints each raster channel in its colour, by its value.
import { inflateSync } from "node:zlib";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { RASTER_SPEC } from "../../../prediction/index.ts";
import { RASTER_CHANNEL_COLORS, bevRasterRgba, crc32, encodePng, pngDataUrl, renderBevRasterSvg } from "../../../sim/report/index.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from "../../../sim/sensors/camera/index.ts";

/** Chunks of a PNG file: type, data, and whether the stored CRC matches. */
function chunks(png: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const out = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    const type = png.toString("latin1", o + 4, o + 8);
    out.push({ type, data: png.subarray(o + 8, o + 8 + len), crcOk: png.readUInt32BE(o + 8 + len) === crc32(png.subarray(o + 4, o + 8 + len)) });
    o += 12 + len;
  }
  return out;
}

const W = 3, H = 2;
const PIXELS = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255, 200, 100, 50, 255, 0, 0, 0, 255]);

describe("PNG encoder", () => {
  it("CRC-32 gives the published check value and PNG's IEND constant", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode("IEND"))).toBe(0xae426082);
  });

  it("writes the signature, IHDR, IDAT rows with filter 0 and IEND, each chunk with its CRC", () => {
    const png = encodePng(W, H, PIXELS);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const c = chunks(png);
    expect(c.map((x) => x.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    expect(c.every((x) => x.crcOk)).toBe(true);
    const ihdr = c[0].data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]]).toEqual([W, H, 8, 6, 0, 0, 0]);
    const rows = inflateSync(c[1].data);
    expect(rows.length).toBe(H * (1 + W * 4));
    for (let y = 0; y < H; y++) {
      expect(rows[y * (1 + W * 4)]).toBe(0);
      expect([...rows.subarray(y * (1 + W * 4) + 1, (y + 1) * (1 + W * 4))]).toEqual([...PIXELS.subarray(y * W * 4, (y + 1) * W * 4)]);
    }
  });

  it("refuses a size that does not match the pixels", () => {
    expect(() => encodePng(3, 3, PIXELS)).toThrow(/3 × 3 RGBA needs 36 bytes, got 24/);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(/positive integers/);
  });

  it.skipIf(!chromiumAvailable())("Chromium decodes it to the same pixels", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    try {
      const page = await browser.newPage();
      // A string, run in the page: the test's TypeScript has no DOM types.
      const decoded = await page.evaluate(`(async () => {
        const img = new Image();
        img.src = ${JSON.stringify(pngDataUrl(W, H, PIXELS))};
        await img.decode();
        const canvas = document.createElement("canvas");
        [canvas.width, canvas.height] = [img.width, img.height];
        const g = canvas.getContext("2d");
        g.drawImage(img, 0, 0);
        return { w: img.width, h: img.height, px: Array.from(g.getImageData(0, 0, img.width, img.height).data) };
      })()`);
      expect(decoded).toEqual({ w: W, h: H, px: [...PIXELS] });
    } finally {
      await browser.close();
    }
  });
});

describe("BEV raster picture", () => {
  const S = RASTER_SPEC.sizePx, plane = S * S, channels = RASTER_SPEC.channels;
  const rgbAt = (rgba: Uint8Array, r: number, c: number) => [...rgba.subarray((r * S + c) * 4, (r * S + c) * 4 + 3)];

  it("paints road under agents, blends the history by its value, keeps row 0 on top", () => {
    const raster = new Uint8Array(channels.length * plane);
    const ch = (name: string) => channels.indexOf(name as (typeof channels)[number]);
    raster.fill(255, ch("road") * plane, ch("road") * plane + S); // row 0 is road
    raster[ch("agents") * plane + 1] = 255; // a car at (0, 1), on the road
    raster[ch("history") * plane + S * 16 + 16] = 255; // the pedestrian now
    raster[ch("history") * plane + S * 17 + 16] = 128; // half a second ago, half faded
    const rgba = bevRasterRgba(raster, channels, S);
    expect(rgbAt(rgba, 0, 0)).toEqual([...RASTER_CHANNEL_COLORS.road]);
    expect(rgbAt(rgba, 0, 1)).toEqual([...RASTER_CHANNEL_COLORS.agents]);
    expect(rgbAt(rgba, 16, 16)).toEqual([...RASTER_CHANNEL_COLORS.history]);
    const background = rgbAt(rgba, 31, 31);
    expect(rgbAt(rgba, 17, 16)).toEqual(background.map((b, k) => Math.round(b + (128 / 255) * (RASTER_CHANNEL_COLORS.history[k] - b))));
    expect(new Set(Array.from({ length: plane }, (_, i) => rgba[i * 4 + 3]))).toEqual(new Set([255]));
  });

  it("refuses a raster of another size or a channel it has no colour for", () => {
    expect(() => bevRasterRgba(new Uint8Array(10), channels, S)).toThrow(/need 7168 bytes, got 10/);
    expect(() => bevRasterRgba(new Uint8Array(plane), ["lidar_height"], S)).toThrow(/no colour for channel lidar_height/);
  });

  it("inline SVG: the image scaled with crisp pixels, the pedestrian marker, an escaped caption", () => {
    const svg = renderBevRasterSvg("data:image/png;base64,AAAA", "1.0 s before <P>");
    expect(svg).toContain('href="data:image/png;base64,AAAA"');
    expect(svg).toContain("image-rendering:pixelated");
    expect(svg).toContain("1.0 s before &lt;P&gt;");
  });
});
