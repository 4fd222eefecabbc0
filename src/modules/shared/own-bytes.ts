/**
 * A string as UTF-8 in a buffer of its own, for a body kept in a cache: Buffer.from slices a
 * short string's bytes out of a shared 8 KB pool, and one kept entry would then hold a whole
 * pool slab (the cache counting only its own length).
 */
export function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}
