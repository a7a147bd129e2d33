import { isUtf8 } from 'node:buffer';
import type { FlatObjectReader } from './flatObjectReader.ts';
import { NOT_JSON, isJsonObject, parseJson } from './jsonValue.ts';

const UNREAD: unique symbol = Symbol('unread');

/**
 * A response body as received, read as little as its checks need and at most once each way:
 * its members straight from the bytes when a FlatObjectReader can read them exactly, else its
 * text decoded once and parsed once (parseJson: numbers keep their literals; bytes that are not
 * UTF-8 are not JSON).
 */
export class ReceivedBody {
  readonly #bytes: Buffer | undefined;
  #text: string | undefined;
  #json: unknown = UNREAD;
  #reader: FlatObjectReader | undefined;
  #members: unknown[] | undefined;

  constructor(body: string | Uint8Array) {
    if (typeof body === 'string') this.#text = body;
    else this.#bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  get text(): string {
    // Either the text was given or the bytes were.
    this.#text ??= this.#bytes!.toString('utf8');
    return this.#text;
  }

  /** The body parsed as JSON, or NOT_JSON. */
  get json(): unknown {
    if (this.#json === UNREAD) {
      const text = this.text;
      // Bytes that are not UTF-8 decode with U+FFFD in their place: only then is the check needed
      // (an ASCII text cannot hold U+FFFD, so the search ends at once).
      this.#json = this.#bytes === undefined || !text.includes('\uFFFD') || isUtf8(this.#bytes) ? parseJson(text) : NOT_JSON;
    }
    return this.#json;
  }

  /** The members `reader` reads, by its slots, or undefined when it cannot read this body exactly (then `json` is the way). */
  members(reader: FlatObjectReader): unknown[] | undefined {
    if (this.#reader !== reader) {
      this.#reader = reader;
      this.#members = this.#bytes === undefined ? undefined : reader.read(this.#bytes);
    }
    return this.#members;
  }

  /** One top-level member's value, undefined when it is absent or the body is not a JSON object. */
  member(key: string): unknown {
    const slot = this.#members === undefined ? -1 : this.#reader!.slotOf(key);
    if (slot !== -1) return this.#members![slot];
    const json = this.json;
    return isJsonObject(json) && Object.hasOwn(json, key) ? json[key] : undefined;
  }
}
