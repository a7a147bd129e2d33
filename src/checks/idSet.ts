const BITS_PER_CHUNK = 4096;
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

  /** Adds `id`; false if it was already there. */
  add(id: number | string): boolean {
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
      const chunkIndex = Math.floor(id / BITS_PER_CHUNK);
      let chunk = this.#chunks.get(chunkIndex);
      if (!chunk && this.#chunks.size < MAX_CHUNKS) {
        chunk = new Uint32Array(BITS_PER_CHUNK / 32);
        this.#chunks.set(chunkIndex, chunk);
      }
      if (chunk) {
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
}
