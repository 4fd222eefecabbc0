// Used by the report worker (report-worker.ts); apart so that it can be tested without one.

const utf8 = new TextEncoder();

/**
 * A part of a report, encoded straight into one buffer as each piece is written (each piece
 * encoded apart and then joined would hold every part's text twice), growing when a piece does
 * not fit.
 */
export class ReportOutput {
  bytes: Uint8Array;
  length = 0;

  /** Writes into `buffer`, growing as needed. */
  constructor(buffer: ArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
  }

  write(text: string) {
    const { read, written } = utf8.encodeInto(text, this.bytes.subarray(this.length));
    this.length += written;
    if (read === text.length) return;
    // Out of room: twice the size, or what the rest needs at three bytes a UTF-16 code unit.
    const rest = text.slice(read);
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + rest.length * 3));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.length += utf8.encodeInto(rest, this.bytes.subarray(this.length)).written;
  }
}
