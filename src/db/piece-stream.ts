import { Readable } from 'node:stream';

// A long read (the all-committee report, a spreadsheet of every action) sent as a stream made
// one piece at a time, each in a turn of the event loop of its own, so that requests in between
// are answered. `finish` releases what the pieces are read from (a snapshot connection); it runs
// once the last piece is made or the stream is destroyed early (a client gone, an error).

export function pieceStream(next: () => string | null | Promise<string | null>, finish: () => void, highWaterMark: number): Readable {
  return new Readable({
    // Ask for the next piece only once the last has left.
    highWaterMark,
    read() {
      const push = (piece: string | null) => {
        if (!this.destroyed) this.push(piece === null ? null : Buffer.from(piece, 'utf8'));
      };
      const fail = (err: unknown) => this.destroy(err as Error);
      setImmediate(() => {
        if (this.destroyed) return;
        try {
          // A piece read on PostgreSQL comes as a promise; on SQLite, at once.
          const piece = next();
          if (piece instanceof Promise) piece.then(push, fail);
          else push(piece);
        } catch (err) {
          fail(err);
        }
      });
    },
    destroy(err, callback) {
      try {
        finish();
      } catch (closeErr) {
        return callback(err ?? (closeErr as Error));
      }
      callback(err);
    },
  });
}
