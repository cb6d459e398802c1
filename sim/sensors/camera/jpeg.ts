// Minimal JPEG container check: SOI, the segment chain up to the frame header (SOF0/1/2), EOI.
// Enough to say "this is a complete JPEG of W × H with N components" without a decoder.

export interface JpegInfo {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  /** 0xC0 baseline, 0xC1 extended sequential, 0xC2 progressive. */
  readonly sofMarker: number;
  readonly precision: number;
}

/** Throws with what was expected when the bytes are not a complete JPEG. */
export function jpegInfo(b: Uint8Array): JpegInfo {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new Error("JPEG: no SOI marker (FF D8) at the start");
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) throw new Error("JPEG: no EOI marker (FF D9) at the end");
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw new Error(`JPEG: expected a marker at byte ${i}, got 0x${b[i].toString(16)}`);
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const len = (b[i + 2] << 8) | b[i + 3];
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (i + 2 + len > b.length || len < 8) throw new Error("JPEG: truncated frame header");
      return {
        sofMarker: marker,
        precision: b[i + 4],
        height: (b[i + 5] << 8) | b[i + 6],
        width: (b[i + 7] << 8) | b[i + 8],
        components: b[i + 9],
      };
    }
    if (marker === 0xda) break; // start of scan before any frame header
    i += 2 + len;
  }
  throw new Error("JPEG: no SOF0/SOF1/SOF2 frame header before the scan");
}
