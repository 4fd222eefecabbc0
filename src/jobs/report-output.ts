// Used by the report worker (report-worker.ts); apart so that it can be tested without one.

const utf8 = new TextEncoder();

/**
 * The report's bytes, encoded straight into one buffer as each piece is written. Reports are
 * megabytes, and memory outside the JS heap is only given back when the garbage collector
 * happens to run: so the buffer a report was sent from comes back from the server and is
 * written over by the next, instead of every report leaving one more behind (each committee's
 * part encoded apart, then joined, left two).
 */
export class ReportOutput {
  bytes: Uint8Array;
  length = 0;

  /** Writes into `buffer` (a recycled report's) or a new megabyte, growing as needed. */
  constructor(buffer: ArrayBuffer | undefined) {
    this.bytes = new Uint8Array(buffer ?? new ArrayBuffer(1 << 20));
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
