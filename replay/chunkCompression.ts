// Chunk compression of the logs: zstd, MCAP's usual choice and what Foxglove and the `mcap` CLI read.
// The closed loop's logs are mostly protobuf scene and prediction messages, which zstd shrinks about
// 3.4× at level 3 (a 2 000-scenario suite: ~10 GB of logs uncompressed). zstd is WebAssembly here
// (@foxglove/wasm-zstd, pinned): the same bytes in give the same bytes out on any machine, so a
// deterministic run still gives a byte-identical log.
import { compress, decompress, isLoaded } from "@foxglove/wasm-zstd";
import type { McapTypes } from "@mcap/core";

// The WebAssembly module instantiates when the package loads; compress and decompress need it ready.
// Awaited here, once, so no caller can use the codec before it is.
await isLoaded;

/** How chunks are stored: zstd (default) or uncompressed. */
export type ChunkCompression = "zstd" | "none";
export const CHUNK_COMPRESSIONS: readonly ChunkCompression[] = Object.freeze(["zstd", "none"]);

/** zstd's own default level: most of the size gain of higher levels at a third of their time. */
const ZSTD_LEVEL = 3;

/** McapWriter's `compressChunk` for `compression` (undefined for uncompressed chunks). */
export function chunkCompressor(compression: ChunkCompression): ((data: Uint8Array) => { compression: string; compressedData: Uint8Array }) | undefined {
  if (compression === "none") return undefined;
  return (data) => ({ compression: "zstd", compressedData: compress(data, ZSTD_LEVEL) });
}

/** The decompressors every reader of logs is given (MCAP readers call them per chunk). */
export const DECOMPRESS_HANDLERS: McapTypes.DecompressHandlers = Object.freeze({
  zstd: (buffer: Uint8Array, decompressedSize: bigint) => {
    try {
      return decompress(buffer, Number(decompressedSize));
    } catch (error) {
      // The decoder says only "Error during decompression": say what that means for a log.
      throw new Error(`a zstd chunk does not decompress, its bytes are damaged (${(error as Error).message})`, { cause: error });
    }
  },
});
