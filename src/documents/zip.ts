import { promisify } from 'node:util';
import { crc32, deflateRaw, inflateRawSync } from 'node:zlib';

// Just enough of the zip format (APPNOTE.TXT, PKWARE) for a Word package: read the parts of the
// small package the docx library writes, put the long table back in, and write the package again
// with Node's own zlib. zlib deflates in C on the thread pool, where a JavaScript deflate of a
// long tracker's XML would hold the event loop; no ZIP64, no encryption, no comments.

export interface ZipPart {
  name: string;
  data: Buffer;
}

/** A part deflated already, with what the zip's headers say of it. */
export interface DeflatedPart {
  name: string;
  deflated: Buffer;
  crc: number;
  size: number;
}

const deflate = promisify(deflateRaw);

export async function deflatePart(part: ZipPart): Promise<DeflatedPart> {
  return { name: part.name, deflated: await deflate(part.data), crc: crc32(part.data), size: part.data.length };
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;
/** Bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
/** 1 January 1980, 00:00 in MS-DOS form: the parts carry no meaningful time (docProps/core.xml has the document's). */
const DOS_DATE = (1 << 5) | 1;

/** The parts of a zip archive, in the order its central directory lists them. */
export function readZip(zip: Buffer): ZipPart[] {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end--;
  if (end < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  const parts: ZipPart[] = [];
  for (let at = zip.readUInt32LE(end + 16), i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error('zip archive: bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== LOCAL_HEADER) throw new Error(`zip archive: bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    if (method !== STORED && method !== DEFLATED) throw new Error(`zip archive: ${name} uses compression method ${method}`);
    parts.push({ name, data: method === STORED ? Buffer.from(raw) : inflateRawSync(raw) });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return parts;
}

/** A zip archive of the parts, each deflated (unless it is already). */
export async function writeZip(given: (ZipPart | DeflatedPart)[]): Promise<Buffer> {
  const parts = await Promise.all(given.map((part) => ('deflated' in part ? part : deflatePart(part))));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  parts.forEach((part) => {
    const name = Buffer.from(part.name, 'utf8');
    const data = part.deflated;
    // The fields the local and central headers share, from "version needed" to the name's length.
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0);
    common.writeUInt16LE(UTF8_NAMES, 2);
    common.writeUInt16LE(DEFLATED, 4);
    common.writeUInt16LE(0, 6);
    common.writeUInt16LE(DOS_DATE, 8);
    common.writeUInt32LE(part.crc, 10);
    common.writeUInt32LE(data.length, 14);
    common.writeUInt32LE(part.size, 18);
    common.writeUInt16LE(name.length, 22);
    common.writeUInt16LE(0, 24);
    const local = Buffer.alloc(4);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    locals.push(local, common, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4);
    common.copy(central, 6);
    // Comment length, disk number, attributes: all zero; then where the local header starts.
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 4 + common.length + name.length + data.length;
  });
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
