// A byte stream of concatenated JPEG images (ffmpeg -f image2pipe -c:v mjpeg) → one Uint8Array per
// image. Walks the marker segments (so a 0xFFD9 inside a segment cannot end an image), then the
// entropy-coded data (0xFF00 stuffing and RSTn skipped) until EOI. Bytes outside an image and
// images that break the syntax are counted and skipped; the next SOI starts over.
import type { DecodeError } from "../../result.ts";

export interface JpegFrame {
  readonly data: Uint8Array;
  /** From the first SOFn segment; 0 when there was none. */
  readonly width: number;
  readonly height: number;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
/** Largest non-APP segment accepted (DQT, DHT, SOF, SOS headers are far smaller). */
const MAX_TABLE_SEGMENT = 8192;

type State = "seek" | "segments" | "entropy";

export class JpegSplitter {
  /** Bytes dropped outside of any image. */
  junkBytes = 0;
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private pos = 0;
  private start = -1;
  private state: State = "seek";
  private width = 0;
  private height = 0;

  /**
   * @param onFrame a complete image (a copy; the caller owns it)
   * @param onError a malformed or oversized image, skipped
   * @param maxBytes an image larger than this is dropped (resync at the next SOI)
   */
  constructor(
    private readonly onFrame: (frame: JpegFrame) => void,
    private readonly onError: (error: DecodeError<"jpeg-syntax" | "jpeg-size">) => void,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    this.scan();
    if (this.state !== "seek" && this.len - this.start > this.maxBytes) {
      this.onError({ code: "jpeg-size", message: `JPEG image larger than ${this.maxBytes} bytes without an end marker; skipped` });
      this.resync(this.start + 1);
      this.scan();
    }
    this.compact();
  }

  private resync(from: number): void {
    this.state = "seek";
    this.pos = from;
    this.start = -1;
  }

  private scan(): void {
    const b = this.buf;
    for (;;) {
      const n = this.len;
      if (this.state === "seek") {
        let i = this.pos;
        while (i + 1 < n && !(b[i] === 0xff && b[i + 1] === SOI)) i++;
        if (i + 1 >= n) {
          // keep a trailing 0xFF: it may start the next SOI
          const keep = n > 0 && b[n - 1] === 0xff ? n - 1 : n;
          this.junkBytes += keep - this.pos;
          this.pos = keep;
          return;
        }
        this.junkBytes += i - this.pos;
        this.start = i;
        this.pos = i + 2;
        this.width = 0;
        this.height = 0;
        this.state = "segments";
      } else if (this.state === "segments") {
        const p = this.pos;
        if (p + 2 > n) return;
        if (b[p] !== 0xff) {
          this.onError({ code: "jpeg-syntax", message: `JPEG: expected a marker at byte ${p - this.start}, got 0x${b[p].toString(16)}` });
          this.resync(this.start + 1);
          continue;
        }
        const m = b[p + 1];
        if (m === 0xff) {
          this.pos = p + 1; // fill byte
          continue;
        }
        if (m === EOI) {
          const data = b.slice(this.start, p + 2);
          this.pos = p + 2;
          this.state = "seek";
          this.start = -1;
          this.onFrame({ data, width: this.width, height: this.height });
          continue;
        }
        if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
          this.pos = p + 2;
          continue;
        }
        if (m === SOI || m === 0x00) {
          this.onError({ code: "jpeg-syntax", message: `JPEG: unexpected marker 0xff${m.toString(16).padStart(2, "0")} inside an image` });
          this.resync(m === SOI ? p : this.start + 1);
          continue;
        }
        if (p + 4 > n) return;
        const length = (b[p + 2] << 8) | b[p + 3];
        if (length < 2) {
          this.onError({ code: "jpeg-syntax", message: `JPEG: segment 0xff${m.toString(16)} has length ${length} (< 2)` });
          this.resync(this.start + 1);
          continue;
        }
        // A corrupted length must not swallow the images after it: tables and headers are small,
        // and an APPn/COM segment that would run over the start of another image (FF D8 FF) ends
        // here. (ffmpeg's MJPEG encoder writes no embedded thumbnails.)
        const app = (m >= 0xe0 && m <= 0xef) || m === 0xfe;
        if (!app && length > MAX_TABLE_SEGMENT) {
          this.onError({ code: "jpeg-syntax", message: `JPEG: segment 0xff${m.toString(16)} claims ${length} bytes (> ${MAX_TABLE_SEGMENT})` });
          this.resync(this.start + 1);
          continue;
        }
        const end = Math.min(n, p + 2 + length);
        let nextImage = -1;
        for (let q = p + 4; q + 2 < end; q++) {
          if (b[q] === 0xff && b[q + 1] === SOI && b[q + 2] === 0xff) {
            nextImage = q;
            break;
          }
        }
        if (nextImage >= 0) {
          this.onError({ code: "jpeg-syntax", message: `JPEG: segment 0xff${m.toString(16)} of ${length} bytes runs into the next image` });
          this.resync(nextImage);
          continue;
        }
        if (p + 2 + length > n) return;
        const sof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
        if (sof && this.width === 0 && length >= 7) {
          this.height = (b[p + 5] << 8) | b[p + 6];
          this.width = (b[p + 7] << 8) | b[p + 8];
        }
        this.pos = p + 2 + length;
        if (m === SOS) this.state = "entropy";
      } else {
        let i = this.pos;
        for (;;) {
          while (i < n && b[i] !== 0xff) i++;
          if (i + 1 >= n) {
            this.pos = i;
            return;
          }
          const next = b[i + 1];
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
          else if (next === 0xff) i += 1;
          else break;
        }
        this.pos = i;
        this.state = "segments";
      }
    }
  }

  /** Moves the unconsumed bytes to the front of the buffer. */
  private compact(): void {
    const from = this.state === "seek" ? this.pos : this.start;
    if (from <= 0) return;
    this.buf.copyWithin(0, from, this.len);
    this.len -= from;
    this.pos -= from;
    if (this.start >= 0) this.start -= from;
  }
}
