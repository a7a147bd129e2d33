import { z } from 'zod';

const BITS_PER_CHUNK = 4096;

/** An IdSet as stored in a shard's measurements: each chunk's bitmap in base64, the other ids as they are. */
export const idSetSchema = z.object({
  // A chunk's 512 bytes are 684 base64 characters.
  chunks: z.array(z.tuple([z.number().int().nonnegative(), z.string().length(684)])),
  others: z.array(z.union([z.number(), z.string()])),
});
export type StoredIdSet = z.infer<typeof idSetSchema>;
/** Past this many chunks (16 MB) the ids are not dense: new ones go to a plain Set instead. */
const MAX_CHUNKS = 32_768;

/**
 * Remembers every id seen, exactly, in little memory when ids are dense integers (a counter, as
 * providers use): a sparse bitmap of 4,096-id chunks holds a million consecutive ids in 128 KB
 * where a Set would take tens of MB. Strings, negatives and sparse ids fall back to a Set.
 */
export class IdSet {
  readonly #chunks = new Map<number, Uint32Array>();
  readonly #others = new Set<number | string>();
  // A counter's ids come in runs: the chunk of the last id is kept at hand (one Map lookup less per id).
  #lastChunkIndex = -1;
  #lastChunk: Uint32Array | undefined;

  /** Adds `id`; false if it was already there. */
  add(id: number | string): boolean {
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
      const chunkIndex = Math.floor(id / BITS_PER_CHUNK);
      let chunk = chunkIndex === this.#lastChunkIndex ? this.#lastChunk : this.#chunks.get(chunkIndex);
      if (!chunk && this.#chunks.size < MAX_CHUNKS) {
        chunk = new Uint32Array(BITS_PER_CHUNK / 32);
        this.#chunks.set(chunkIndex, chunk);
      }
      if (chunk) {
        this.#lastChunkIndex = chunkIndex;
        this.#lastChunk = chunk;
        const bit = id % BITS_PER_CHUNK;
        const word = bit >>> 5;
        const mask = 1 << (bit & 31);
        if (chunk[word]! & mask) return false;
        chunk[word] = chunk[word]! | mask;
        return true;
      }
    }
    if (this.#others.has(id)) return false;
    this.#others.add(id);
    return true;
  }

  /** Every id in the set, for a store that another process merges. */
  toStored(): StoredIdSet {
    return {
      chunks: [...this.#chunks].map(([index, bits]) => [index, Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64')]),
      others: [...this.#others],
    };
  }

  /** The bitmap of one 4,096-id chunk read back from a store, as 128 words (ids chunkIndex * 4096 + bit). */
  static chunkWords(base64: string): Uint32Array {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.byteLength !== BITS_PER_CHUNK / 8) throw new Error(`a stored id chunk has ${bytes.byteLength} bytes, not ${BITS_PER_CHUNK / 8}`);
    const words = new Uint32Array(BITS_PER_CHUNK / 32);
    new Uint8Array(words.buffer).set(bytes);
    return words;
  }

  static readonly BITS_PER_CHUNK = BITS_PER_CHUNK;
}
