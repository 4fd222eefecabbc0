import { invalidField } from '../../errors.js';

// The bytes of an uploaded tracker as text. Excel's "CSV (Comma delimited)" writes the Windows
// code page (Windows-1252 in England), its "CSV UTF-8" a UTF-8 byte order mark, and "Unicode
// Text" UTF-16. Text that is valid UTF-8 is read as UTF-8 (a BOM dropped); UTF-16 is read by its
// BOM; anything else is read as Windows-1252, and the answer says so (`encoding`), since every
// byte is some character there and a wrong guess would otherwise pass unseen. A workbook or
// other binary file is refused: it is not a CSV file at all.

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

// Windows-1252 is ISO-8859-1 but for 0x80–0x9F, where it has the curly quotes, dashes, € and
// others Word and Excel write. Node built without full ICU decodes the label "windows-1252" as
// ISO-8859-1 (those bytes become C1 controls), so the difference is applied here. Unassigned
// bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as they are, as the WHATWG decoder leaves them.
const HIGH = [...'€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8DŽ\x8F\x90‘’“”•–—˜™š›œ\x9DžŸ'];

const windows1252 = (bytes: Buffer): string =>
  bytes.toString('latin1').replace(/[\x80-\x9f]/g, (c) => HIGH[c.charCodeAt(0) - 0x80]!);

/** Zip (an .xlsx workbook), the old binary .xls, or any NUL byte outside UTF-16. */
function isBinary(bytes: Buffer): boolean {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return true;
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return true;
  return bytes.includes(0);
}

export function decodeSpreadsheet(bytes: Buffer): { text: string; encoding: Encoding } {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  if (isBinary(bytes)) {
    throw invalidField('', 'is not a CSV file (it looks like a workbook or other binary file): in Excel, use Save As "CSV UTF-8 (Comma delimited)"', 'body');
  }
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: windows1252(bytes), encoding: 'windows-1252' };
  }
}
