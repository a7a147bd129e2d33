// Most answers of a load run are one flat JSON object (`{"message_id":1,"created_at":"..."}`), and
// checking one costs less than reading it when the reading is decode, JSON.parse and a scan for
// number literals JavaScript cannot hold. This reader takes the members the pact names straight
// from the bytes, in one pass and without building the object. It reads only what it can read
// exactly as parseJson would: plain strings, integers of at most 15 digits, true, false and null.
// Anything else (an escape, a nested value, a decimal, a duplicate member, bytes that are not
// UTF-8, text that is not JSON at all) and it says so, and the general path (decode, parseJson)
// reads the body instead. test/checks/flatObjectReader.test.ts holds both to the same values.
// It is one module on purpose: split in two, its loops read the byte constants and the view through
// module imports, which cost about 1% of bench row C (0.984-0.993, new vs old at once on one core).

const [TAB, LF, CR, SPACE, QUOTE, COMMA, MINUS, ZERO, NINE, COLON, BACKSLASH, OPEN, CLOSE] = [
  0x09, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x2d, 0x30, 0x39, 0x3a, 0x5c, 0x7b, 0x7d,
];
const [DOT, LOWER_E, UPPER_E] = [0x2e, 0x65, 0x45];
/**
 * Longer bodies are left to the general path: they are mostly text, which JSON.parse scans faster
 * than JavaScript can (measured on this project's bench machine: both cost the same at 1.5-2 KB).
 */
export const MAX_READ_BYTES = 1024;
/** Past 15 digits an integer may not be exact as a JavaScript number (parseJson keeps its literal then). */
const MAX_INTEGER_DIGITS = 15;
const TRUE = plainKey('true');
const FALSE = plainKey('false');
const NULL = plainKey('null');

/** The decoders Buffer's toString calls once it has checked its arguments (on Buffer.prototype since early Node, undocumented and untyped). */
interface NodeDecoders {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** Not read: the general path decides. */
const GIVE_UP = -1;

/** Whether the reader can look for `key` byte by byte: printable ASCII that JSON writes without an escape. */
export function isPlainKey(key: string): boolean {
  return /^[\x20-\x7e]*$/.test(key) && !key.includes('"') && !key.includes('\\');
}

/** Reads the members named `keys` of a flat JSON object from its bytes. */
export class FlatObjectReader {
  readonly keys: readonly string[];
  readonly #keyBytes: PlainKey[];
  /** The slot of each member, by its place in the last body read (-1: not ours): servers write their members in one order, so that key is tried first. */
  readonly #lastOrder: number[] = [];
  // The value read by #readValue (its end is returned).
  #value: unknown;
  /** By slot, the last short ASCII text read for it: a server repeats many (a timestamp per ms, an echoed message). */
  readonly #recent: RecentText[];

  /** `keys` must be plain (isPlainKey) and distinct. */
  constructor(keys: readonly string[]) {
    for (const key of keys) if (!isPlainKey(key)) throw new Error(`FlatObjectReader: key ${JSON.stringify(key)} is not plain ASCII`);
    if (new Set(keys).size !== keys.length) throw new Error('FlatObjectReader: keys repeat');
    this.keys = keys;
    this.#keyBytes = keys.map(plainKey);
    this.#recent = keys.map(() => new RecentText());
  }

  /** The slot of `key` in what read() returns, or -1 when it is not read. */
  slotOf(key: string): number {
    return this.keys.indexOf(key);
  }

  /**
   * The object's members by slot (undefined where a key is absent), or undefined when `bytes` are
   * not a flat object this reader reads exactly (the general path decides then).
   */
  read(bytes: Buffer): unknown[] | undefined {
    if (bytes.length > MAX_READ_BYTES) return undefined;
    viewBytes(bytes);
    const values: unknown[] = new Array(this.keys.length);
    const end = bytes.length;
    // Compact JSON has no space between tokens: skipSpace is called only where there is some.
    let at = bytes[0]! <= SPACE ? skipSpace(bytes, 0, end) : 0;
    if (bytes[at] !== OPEN) return undefined;
    at++;
    if (bytes[at]! <= SPACE) at = skipSpace(bytes, at, end);
    if (bytes[at] === CLOSE) return skipSpace(bytes, at + 1, end) === end ? values : undefined;
    for (let place = 0; ; place++) {
      if (bytes[at] !== QUOTE) return undefined;
      const keyStart = at + 1;
      let slot = this.#lastOrder[place] ?? -1;
      const guessed = slot === -1 ? undefined : this.#keyBytes[slot]!;
      let keyEnd = guessed === undefined ? -1 : keyStart + guessed.bytes.length;
      // The key this place had last time, compared in one pass; else the key is read and looked up.
      if (guessed === undefined || bytes[keyEnd] !== QUOTE || !startsWithBytes(bytes, keyStart, guessed)) {
        keyEnd = plainStringEnd(bytes, keyStart, end);
        // Our keys are ASCII: a key past ASCII is another one, whose bytes only the general path checks for UTF-8.
        if (keyEnd === GIVE_UP || stringHadHighBytes) return undefined;
        slot = this.#slotAt(bytes, keyStart, keyEnd);
        this.#lastOrder[place] = slot;
      }
      // A member named twice: JSON.parse keeps the last, which only the general path reads.
      if (slot !== -1 && values[slot] !== undefined) return undefined;
      at = keyEnd + 1;
      if (bytes[at]! <= SPACE) at = skipSpace(bytes, at, end);
      if (bytes[at] !== COLON) return undefined;
      at++;
      if (bytes[at]! <= SPACE) at = skipSpace(bytes, at, end);
      at = this.#readValue(bytes, at, end, slot);
      if (at === GIVE_UP) return undefined;
      if (slot !== -1) values[slot] = this.#value;
      if (bytes[at]! <= SPACE) at = skipSpace(bytes, at, end);
      const next = bytes[at];
      if (next === CLOSE) return skipSpace(bytes, at + 1, end) === end ? values : undefined;
      if (next !== COMMA) return undefined;
      at++;
      if (bytes[at]! <= SPACE) at = skipSpace(bytes, at, end);
    }
  }

  /** The slot of the key between `start` and `end`, -1 when it is not one of ours. */
  #slotAt(bytes: Buffer, start: number, end: number): number {
    const keyBytes = this.#keyBytes;
    for (let slot = 0; slot < keyBytes.length; slot++) {
      const key = keyBytes[slot]!;
      if (key.bytes.length === end - start && startsWithBytes(bytes, start, key)) return slot;
    }
    return -1;
  }

  /** Reads the value at `at` for `slot` (-1: not ours) into #value; returns where it ends, or GIVE_UP. */
  #readValue(bytes: Buffer, at: number, end: number, slot: number): number {
    const first = bytes[at];
    if (first === QUOTE) {
      const start = at + 1;
      // The text this member had last time, compared in one pass (it is plain ASCII: no scan needed).
      const recent = slot === -1 ? undefined : this.#recent[slot]!;
      if (recent?.isAt(bytes, start, end)) {
        this.#value = recent.text;
        return start + recent.byteLength + 1;
      }
      const close = plainStringEnd(bytes, start, end);
      if (close === GIVE_UP) return GIVE_UP;
      if (stringHadHighBytes) {
        const text = (bytes as unknown as NodeDecoders).utf8Slice(start, close);
        // Bytes that are not UTF-8 decode to U+FFFD: the general path tells them from a real U+FFFD.
        if (text.includes('\uFFFD')) return GIVE_UP;
        this.#value = text;
      } else if (recent === undefined) {
        this.#value = undefined; // not ours: nobody reads it
      } else {
        recent.remember(bytes, start, close);
        this.#value = recent.text;
      }
      return close + 1;
    }
    if (first === MINUS || (first !== undefined && first >= ZERO && first <= NINE)) return this.#readInteger(bytes, at, end);
    if (holdsLiteral(bytes, at, end, TRUE)) {
      this.#value = true;
      return at + TRUE.bytes.length;
    }
    if (holdsLiteral(bytes, at, end, FALSE)) {
      this.#value = false;
      return at + FALSE.bytes.length;
    }
    if (holdsLiteral(bytes, at, end, NULL)) {
      this.#value = null;
      return at + NULL.bytes.length;
    }
    return GIVE_UP;
  }

  /** An integer as JSON writes one (no leading zero), of at most MAX_INTEGER_DIGITS digits, not followed by a fraction or exponent. */
  #readInteger(bytes: Buffer, at: number, end: number): number {
    const negative = bytes[at] === MINUS;
    let i = negative ? at + 1 : at;
    const digitsStart = i;
    let value = 0;
    while (i < end) {
      const code = bytes[i]!;
      if (code < ZERO || code > NINE) break;
      value = value * 10 + (code - ZERO);
      i++;
    }
    const digits = i - digitsStart;
    if (digits === 0 || digits > MAX_INTEGER_DIGITS || (digits > 1 && bytes[digitsStart] === ZERO)) return GIVE_UP;
    const next = bytes[i];
    if (next === DOT || next === LOWER_E || next === UPPER_E) return GIVE_UP;
    this.#value = negative ? -value : value;
    return i;
  }
}

function skipSpace(bytes: Buffer, at: number, end: number): number {
  while (at < end) {
    const code = bytes[at];
    if (code !== SPACE && code !== LF && code !== CR && code !== TAB) return at;
    at++;
  }
  return at;
}

/** A key as bytes, and as the little-endian 32-bit words of its whole four-byte groups (see viewBytes). */
interface PlainKey {
  bytes: Uint8Array;
  words: Int32Array;
}

function plainKey(key: string): PlainKey {
  const bytes = Buffer.from(key, 'latin1');
  const words = new Int32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readInt32LE(i * 4);
  return { bytes, words };
}

// Bytes are compared and searched four at a time (SWAR, SIMD within a register): a DataView over
// the body's memory reads 32-bit words at any offset, and the bit tricks below test all four bytes
// of a word at once. Bodies are small Buffers carved from one pool, so the view is made again only
// when the pool changes.
let memory: ArrayBufferLike = new ArrayBuffer(0);
let view: DataView<ArrayBufferLike> = new DataView(memory);
/** Where the body starts in the view's memory. */
let base = 0;

function viewBytes(bytes: Buffer): void {
  const bodyMemory = bytes.buffer;
  if (bodyMemory !== memory) {
    memory = bodyMemory;
    view = new DataView(bodyMemory);
  }
  base = bytes.byteOffset;
}

const LOW_BITS = 0x01010101;
const HIGH_BITS = 0x80808080 | 0;
const QUOTES = 0x22222222;
const BACKSLASHES = 0x5c5c5c5c;
const SPACES = 0x20202020;

/**
 * Whether a word holds a quote, a backslash or a control byte (the classic "has a zero byte" and
 * "has a byte less than n" tests; bytes past ASCII never count). A false alarm can only come with
 * a true one in a lower byte, so the byte loop that follows a hit is always right.
 */
function holdsStringStop(word: number): boolean {
  const quotes = word ^ QUOTES;
  const backslashes = word ^ BACKSLASHES;
  const hits = (((word - SPACES) | 0) & ~word) | (((quotes - LOW_BITS) | 0) & ~quotes) | (((backslashes - LOW_BITS) | 0) & ~backslashes);
  return (hits & HIGH_BITS) !== 0;
}

/** What a byte means inside a JSON string: ORDINARY, or the end, a byte that needs the general path, or a byte past ASCII. */
const [ORDINARY, STRING_END, NOT_PLAIN, PAST_ASCII] = [0, 1, 2, 3];
const BYTE_KINDS = new Uint8Array(256).map((_, byte) =>
  byte === QUOTE ? STRING_END : byte === BACKSLASH || byte < SPACE ? NOT_PLAIN : byte >= 0x80 ? PAST_ASCII : ORDINARY,
);

/** Whether the string plainStringEnd last read holds bytes past ASCII (then it is decoded as UTF-8, else as Latin-1, which is quicker). */
let stringHadHighBytes = false;

/** The closing quote of a string that starts at `start` and holds no escape and no control character; GIVE_UP otherwise. */
function plainStringEnd(bytes: Buffer, start: number, end: number): number {
  let highBits = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = view.getInt32(base + i, true);
    if (holdsStringStop(word)) break;
    highBits |= word;
  }
  let high = (highBits & HIGH_BITS) !== 0;
  for (; i < end; i++) {
    const kind = BYTE_KINDS[bytes[i]!];
    if (kind === ORDINARY) continue;
    if (kind === STRING_END) {
      stringHadHighBytes = high;
      return i;
    }
    if (kind === NOT_PLAIN) return GIVE_UP;
    high = true;
  }
  return GIVE_UP;
}

/** Texts up to this many bytes are remembered by RecentText. */
const RECENT_TEXT_BYTES = 32;

/** A plain ASCII text (no quote, backslash or control byte) as bytes, readable as 32-bit words, and as the string they decode to. */
class RecentText {
  readonly #words = new Int32Array(RECENT_TEXT_BYTES / 4);
  readonly #bytes = new Uint8Array(this.#words.buffer);
  #length = -1;
  text = '';

  /** The text's length in bytes (-1 when it is too long to be compared). */
  get byteLength(): number {
    return this.#length;
  }

  /** Whether a JSON string starting at `start` (after its quote) is this text: its bytes, then the closing quote before `end`. */
  isAt(bytes: Buffer, start: number, end: number): boolean {
    const length = this.#length;
    if (length === -1 || start + length >= end || bytes[start + length] !== QUOTE) return false;
    return holdsBytesAt(bytes, start, this.#bytes, this.#words, length);
  }

  /** Decodes the plain ASCII bytes from `start` to `end` into `text`, and keeps them when they are short enough to compare. */
  remember(bytes: Buffer, start: number, end: number): void {
    // Node's own decoder, without toString's argument checks (it runs for many strings of every body).
    this.text = (bytes as unknown as NodeDecoders).latin1Slice(start, end);
    const length = end - start;
    if (length > RECENT_TEXT_BYTES) {
      this.#length = -1;
      return;
    }
    const own = this.#bytes;
    for (let i = 0; i < length; i++) own[i] = bytes[start + i]!;
    this.#length = length;
  }
}

/** Whether `bytes` hold `key` at `start` (the caller knows they are long enough). */
function startsWithBytes(bytes: Buffer, start: number, key: PlainKey): boolean {
  return holdsBytesAt(bytes, start, key.bytes, key.words, key.bytes.length);
}

/** Whether `bytes` hold the literal at `at`, before `end`. */
function holdsLiteral(bytes: Buffer, at: number, end: number, literal: PlainKey): boolean {
  return end - at >= literal.bytes.length && startsWithBytes(bytes, at, literal);
}

/**
 * Whether `bytes` hold, at `start`, the first `length` bytes of `own`, whose whole four-byte
 * groups are also `words` (see viewBytes); the caller knows `bytes` are long enough.
 */
function holdsBytesAt(bytes: Buffer, start: number, own: Uint8Array, words: Int32Array, length: number): boolean {
  const wholeWords = length >> 2;
  for (let i = 0; i < wholeWords; i++) if (view.getInt32(base + start + i * 4, true) !== words[i]) return false;
  for (let i = wholeWords * 4; i < length; i++) if (bytes[start + i] !== own[i]) return false;
  return true;
}
