/** Where a document's text goes as it is written, a piece at a time. */
export interface TextOut {
  write(text: string): void;
}

/** Text gathered while it is short, then encoded (16K UTF-16 code units; a flat string this long is still young garbage). */
const PENDING = 16 * 1024;

/**
 * A document written out as UTF-8 while it is made. A tracker is thousands of rows: appended to
 * one string, its text became a tree of thousands of pieces that had to be flattened and encoded
 * at the end, by one Buffer.from or Buffer.byteLength of a few megabytes (a fifth of a Word
 * request's time at a million actions). The flattened copy is too big for the young generation,
 * so each document also added megabytes to the old one, bringing on full garbage collections.
 * Here a row's text is encoded when 16K of it has gathered and is garbage at once; the bytes
 * are outside the heap.
 */
export class Utf8Writer implements TextOut {
  #bytes = Buffer.allocUnsafeSlow(64 * 1024);
  #length = 0;
  #pending = '';

  write(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= PENDING) this.#flush();
  }

  #flush(end = false): void {
    let text = this.#pending;
    this.#pending = '';
    // A pair's first half waits for its second, which the next write may bring.
    const last = text.charCodeAt(text.length - 1);
    if (!end && last >= 0xd800 && last <= 0xdbff) {
      this.#pending = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text === '') return;
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4).
    const most = this.#length + text.length * 3;
    if (most > this.#bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(most, this.#bytes.length * 2));
      this.#bytes.copy(grown, 0, 0, this.#length);
      this.#bytes = grown;
    }
    this.#length += this.#bytes.write(text, this.#length, 'utf8');
  }

  /** Everything written, in memory of its own and exactly its length (a kept document holds nothing more). */
  bytes(): Buffer {
    this.#flush(true);
    const out = Buffer.allocUnsafeSlow(this.#length);
    this.#bytes.copy(out, 0, 0, this.#length);
    return out;
  }
}

/** What `write` writes, as one string (a short document, or one wanted as text). */
export function textOf(write: (out: TextOut) => void): string {
  let text = '';
  write({ write: (piece) => { text += piece; } });
  return text;
}

/** What `write` writes, as UTF-8 bytes in memory of their own. */
export function bytesOf(write: (out: TextOut) => void): Buffer {
  const out = new Utf8Writer();
  write(out);
  return out.bytes();
}
