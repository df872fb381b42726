import { SpecfuseError } from '../../core/errors.js';

/**
 * Gatan DigitalMicrograph DM3 / DM4 tag-tree parser (first, file-faithful stage).
 *
 * Layout, from the public format descriptions (G. Jefferis, "DM3 Image Format", imagej.net/ij/plugins/
 * DM3Format.gj.html; C. Boothroyd, "Digital Micrograph file format", www3.ntu.edu.sg/home/cbb/info/dmformat/):
 *  header (big-endian): version u32 (3 or 4); root length u32 (DM3) / u64 (DM4); byte order u32 (0 big-,
 *    1 little-endian — applies to tag *values* only; all structure fields are big-endian);
 *  tag group: sorted u8, open u8, count u32 (DM3) / u64 (DM4), then `count` entries;
 *  entry: kind u8 (20 group, 21 data, 0 end), label length u16, label bytes; DM4 then has the entry's byte size
 *    (u64); a group entry continues with a tag group; a data entry with '%%%%', the number of type words
 *    u32/u64 and the type words u32/u64, then the value;
 *  type words: simple types 2 i16, 3 i32, 4 u16, 5 u32, 6 f32, 7 f64, 8 bool, 9 i8 (char), 10 u8 (octet),
 *    11 i64, 12 u64; 18 string [18, length] (UTF-16); 15 struct [15, nameLen, nFields, (nameLen, type)×n];
 *    20 array [20, elementType…, length] where elementType may itself be a struct definition.
 *
 * Hostile-input limits: every length is checked against the bytes left before anything is allocated; group depth,
 * type-word count and struct fields are capped; large simple arrays (image data) are kept as a reference
 * (offset, length) and decoded on demand, so no field can make the parser allocate more than the file's size.
 */

export const DM_MAX_DEPTH = 64;
const MAX_TYPE_WORDS = 4096;
const MAX_STRUCT_FIELDS = 1024;
/** Arrays up to this many elements are decoded into `values`; longer ones stay as a reference into the buffer. */
const INLINE_ARRAY = 4096;
/** Total decoded struct-array elements per file before struct arrays stop being inlined. */
const MAX_INLINE_STRUCT_ELEMENTS = 1_000_000;

/** Byte size of each simple DM tag type. */
export const DM_TYPE_SIZE: Readonly<Record<number, number>> = {
  2: 2,
  3: 4,
  4: 2,
  5: 4,
  6: 4,
  7: 8,
  8: 1,
  9: 1,
  10: 1,
  11: 8,
  12: 8,
};

export const DM_TYPE_NAME: Readonly<Record<number, string>> = {
  2: 'int16',
  3: 'int32',
  4: 'uint16',
  5: 'uint32',
  6: 'float32',
  7: 'float64',
  8: 'bool',
  9: 'int8',
  10: 'uint8',
  11: 'int64',
  12: 'uint64',
  15: 'struct',
  18: 'string',
  20: 'array',
};

export type DmScalar = number | boolean;

/** A simple-typed array: small ones decoded (`values`, and `text` for uint16 arrays = UTF-16 strings). */
export interface DmArray {
  readonly kind: 'array';
  readonly elementType: number;
  readonly length: number;
  /** Byte offset of the first element in the file. */
  readonly offset: number;
  readonly byteLength: number;
  readonly values?: number[];
  /** uint16 arrays are how DM stores text: decoded as UTF-16. */
  readonly text?: string;
}

export interface DmStructArray {
  readonly kind: 'struct-array';
  readonly fieldTypes: number[];
  readonly length: number;
  readonly offset: number;
  readonly byteLength: number;
  /** Decoded elements (absent if the file holds more than the inline cap). */
  readonly values?: DmScalar[][];
}

export type DmValue = DmScalar | string | DmScalar[] | DmArray | DmStructArray;

export interface DmTagData {
  readonly kind: 'data';
  /** The type words as written. */
  readonly encoding: number[];
  readonly value: DmValue;
}

export interface DmTagGroup {
  readonly kind: 'group';
  readonly sorted: boolean;
  readonly open: boolean;
  readonly entries: DmTagEntry[];
}

export interface DmTagEntry {
  /** Label ('' for unnamed entries, which DM uses for lists). */
  readonly name: string;
  /** Byte offset of the entry in the file. */
  readonly offset: number;
  readonly value: DmTagGroup | DmTagData;
}

export interface DmHeader {
  readonly version: 3 | 4;
  readonly rootLength: number;
  readonly littleEndian: boolean;
  /** Size of the header in bytes (12 for DM3, 16 for DM4). */
  readonly size: number;
}

class Cursor {
  pos: number;
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string | undefined,
    readonly dm4: boolean,
    readonly little: boolean,
    start: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }
  get left(): number {
    return this.bytes.length - this.pos;
  }
  err(code: 'parse' | 'truncated' | 'unsupported', message: string, offset = this.pos): never {
    throw new SpecfuseError(
      code,
      message,
      this.file === undefined ? { offset } : { file: this.file, offset },
    );
  }
  need(n: number, what: string): void {
    if (n > this.left) this.err('truncated', `${what} needs ${n} bytes but only ${this.left} remain`);
  }
  u8(): number {
    this.need(1, 'byte');
    return this.view.getUint8(this.pos++);
  }
  u16be(): number {
    this.need(2, 'u16');
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }
  u32be(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }
  u64be(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, false);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.err('parse', `${what} ${v} is impossibly large`);
    this.pos += 8;
    return Number(v);
  }
  /** A structure-size word: u32 in DM3, u64 in DM4. */
  size(what: string): number {
    return this.dm4 ? this.u64be(what) : this.u32be();
  }
  scalar(type: number): DmScalar {
    const size = DM_TYPE_SIZE[type];
    if (size === undefined) this.err('unsupported', `unknown simple tag type ${type}`);
    this.need(size, DM_TYPE_NAME[type] ?? 'value');
    const v = readScalar(this.view, this.pos, type, this.little);
    this.pos += size;
    return v;
  }
}

function readScalar(view: DataView, at: number, type: number, little: boolean): DmScalar {
  switch (type) {
    case 2:
      return view.getInt16(at, little);
    case 3:
      return view.getInt32(at, little);
    case 4:
      return view.getUint16(at, little);
    case 5:
      return view.getUint32(at, little);
    case 6:
      return view.getFloat32(at, little);
    case 7:
      return view.getFloat64(at, little);
    case 8:
      return view.getUint8(at) !== 0;
    case 9:
      return view.getInt8(at);
    case 10:
      return view.getUint8(at);
    case 11:
      return Number(view.getBigInt64(at, little));
    case 12:
      return Number(view.getBigUint64(at, little));
    default:
      throw new SpecfuseError('unsupported', `unknown simple tag type ${type}`, { offset: at });
  }
}

/** Read the DM3/DM4 header. Throws `parse` if the version word is neither 3 nor 4. */
export function readDmHeader(bytes: Uint8Array, file?: string): DmHeader {
  const where = file === undefined ? {} : { file };
  if (bytes.length < 16)
    throw new SpecfuseError('truncated', `DM file is only ${bytes.length} bytes`, { ...where, offset: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, false);
  if (version !== 3 && version !== 4)
    throw new SpecfuseError(
      'parse',
      `not a DigitalMicrograph file (version word ${version}, expected 3 or 4)`,
      {
        ...where,
        offset: 0,
      },
    );
  const rootLength = version === 3 ? view.getUint32(4, false) : Number(view.getBigUint64(4, false));
  const orderAt = version === 3 ? 8 : 12;
  const order = view.getUint32(orderAt, false);
  if (order !== 0 && order !== 1)
    throw new SpecfuseError('parse', `byte-order word must be 0 or 1, got ${order}`, {
      ...where,
      offset: orderAt,
    });
  return { version, rootLength, littleEndian: order === 1, size: version === 3 ? 12 : 16 };
}

interface ParseState {
  inlineStructElements: number;
}

function readEncoding(c: Cursor): number[] {
  const n = c.size('type-word count');
  const wordSize = c.dm4 ? 8 : 4;
  if (n === 0) c.err('parse', 'data tag with no type words');
  if (n > MAX_TYPE_WORDS || n * wordSize > c.left)
    c.err(n * wordSize > c.left ? 'truncated' : 'parse', `type-word count ${n} is out of range`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = c.dm4 ? c.u64be('type word') : c.u32be();
  return out;
}

/** Parse a struct definition starting at enc[k] === 15; returns field types and the index after it. */
function structDef(c: Cursor, enc: number[], k: number): { fields: number[]; next: number } {
  const nFields = enc[k + 2];
  if (nFields === undefined) c.err('parse', 'struct definition is cut short');
  if (nFields > MAX_STRUCT_FIELDS || k + 3 + 2 * nFields > enc.length)
    c.err('parse', `struct with ${nFields} fields does not fit its type words`);
  const fields: number[] = [];
  for (let f = 0; f < nFields; f++) {
    const t = enc[k + 4 + 2 * f] as number;
    if (DM_TYPE_SIZE[t] === undefined) c.err('unsupported', `struct field of type ${t} (only simple types)`);
    fields.push(t);
  }
  return { fields, next: k + 3 + 2 * nFields };
}

function readValue(c: Cursor, enc: number[], state: ParseState): DmValue {
  const t = enc[0] as number;
  if (DM_TYPE_SIZE[t] !== undefined) {
    if (enc.length !== 1) c.err('parse', `simple type ${t} with ${enc.length} type words`);
    return c.scalar(t);
  }
  if (t === 18) {
    const len = enc[1];
    if (len === undefined) c.err('parse', 'string without a length');
    c.need(2 * len, 'string');
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(c.view.getUint16(c.pos + 2 * i, c.little));
    c.pos += 2 * len;
    return s;
  }
  if (t === 15) {
    const { fields } = structDef(c, enc, 0);
    return fields.map((f) => c.scalar(f));
  }
  if (t === 20) {
    const et = enc[1];
    if (et === undefined) c.err('parse', 'array without an element type');
    if (DM_TYPE_SIZE[et] !== undefined) {
      if (enc.length !== 3) c.err('parse', `array of type ${et} with ${enc.length} type words`);
      const length = enc[2] as number;
      const size = DM_TYPE_SIZE[et] as number;
      const byteLength = length * size;
      c.need(byteLength, `array of ${length} ${DM_TYPE_NAME[et]}`);
      const offset = c.pos;
      let arr: DmArray = { kind: 'array', elementType: et, length, offset, byteLength };
      if (length <= INLINE_ARRAY) {
        if (et === 4) {
          let s = '';
          for (let i = 0; i < length; i++)
            s += String.fromCharCode(c.view.getUint16(offset + 2 * i, c.little));
          arr = { ...arr, text: s };
        }
        if (length <= 64 || et !== 4) {
          const values: number[] = new Array(length);
          for (let i = 0; i < length; i++) {
            const v = readScalar(c.view, offset + i * size, et, c.little);
            values[i] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
          }
          arr = { ...arr, values };
        }
      }
      c.pos += byteLength;
      return arr;
    }
    if (et === 15) {
      const { fields, next } = structDef(c, enc, 1);
      if (next + 1 !== enc.length) c.err('parse', 'array-of-struct type words do not end with the length');
      const length = enc[next] as number;
      const elSize = fields.reduce((a, f) => a + (DM_TYPE_SIZE[f] as number), 0);
      const byteLength = length * elSize;
      c.need(byteLength, `array of ${length} structs`);
      const offset = c.pos;
      let out: DmStructArray = { kind: 'struct-array', fieldTypes: fields, length, offset, byteLength };
      if (state.inlineStructElements + length <= MAX_INLINE_STRUCT_ELEMENTS) {
        state.inlineStructElements += length;
        const values: DmScalar[][] = new Array(length);
        for (let i = 0; i < length; i++) values[i] = fields.map((f) => c.scalar(f));
        out = { ...out, values };
      }
      c.pos = offset + byteLength;
      return out;
    }
    c.err('unsupported', `array of element type ${et}`);
  }
  c.err('unsupported', `unknown tag type ${t}`);
}

function readGroup(c: Cursor, depth: number, state: ParseState): DmTagGroup {
  if (depth > DM_MAX_DEPTH) c.err('parse', `tag groups nested deeper than ${DM_MAX_DEPTH}`);
  const sorted = c.u8() !== 0;
  const open = c.u8() !== 0;
  const count = c.size('tag count');
  // every entry takes at least 3 bytes (kind + label length)
  if (count * 3 > c.left) c.err('truncated', `tag count ${count} exceeds the ${c.left} bytes left`);
  const entries: DmTagEntry[] = [];
  for (let k = 0; k < count; k++) {
    const offset = c.pos;
    const kind = c.u8();
    if (kind === 0) break; // end-of-file marker
    if (kind !== 20 && kind !== 21) c.err('parse', `tag kind ${kind} (expected 20 group or 21 data)`, offset);
    const nameLen = c.u16be();
    c.need(nameLen, 'tag label');
    let name = '';
    for (let i = 0; i < nameLen; i++) name += String.fromCharCode(c.bytes[c.pos + i] as number);
    c.pos += nameLen;
    if (c.dm4) {
      const size = c.u64be('tag size');
      if (size > c.left) c.err('truncated', `tag '${name}' claims ${size} bytes but ${c.left} remain`);
    }
    if (kind === 20) {
      entries.push({ name, offset, value: readGroup(c, depth + 1, state) });
      continue;
    }
    c.need(4, 'tag delimiter');
    if (
      c.bytes[c.pos] !== 37 ||
      c.bytes[c.pos + 1] !== 37 ||
      c.bytes[c.pos + 2] !== 37 ||
      c.bytes[c.pos + 3] !== 37
    )
      c.err('parse', `tag '${name}' lacks the '%%%%' delimiter`);
    c.pos += 4;
    const encoding = readEncoding(c);
    const value = readValue(c, encoding, state);
    entries.push({ name, offset, value: { kind: 'data', encoding, value } });
  }
  return { kind: 'group', sorted, open, entries };
}

/** Parse the whole tag tree. */
export function parseDmTags(bytes: Uint8Array, file?: string): { header: DmHeader; root: DmTagGroup } {
  const header = readDmHeader(bytes, file);
  const c = new Cursor(bytes, file, header.version === 4, header.littleEndian, header.size);
  const root = readGroup(c, 0, { inlineStructElements: 0 });
  return { header, root };
}

/** The entry with this label in a group (first match). */
export function dmChild(group: DmTagGroup | undefined, name: string): DmTagGroup | DmTagData | undefined {
  return group?.entries.find((e) => e.name === name)?.value;
}

/** Follow a '/'-separated path of labels; a numeric segment `[i]` picks the i-th entry. */
export function dmPath(group: DmTagGroup | undefined, path: string): DmTagGroup | DmTagData | undefined {
  let cur: DmTagGroup | DmTagData | undefined = group;
  for (const seg of path.split('/')) {
    if (cur === undefined || cur.kind !== 'group') return undefined;
    const m = /^\[(\d+)\]$/.exec(seg);
    cur = m ? cur.entries[Number(m[1])]?.value : dmChild(cur, seg);
  }
  return cur;
}

/** A tag's value as a number / string, or undefined. uint16 arrays read as text. */
export function dmNumber(node: DmTagGroup | DmTagData | undefined): number | undefined {
  if (node?.kind !== 'data') return undefined;
  const v = node.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

export function dmString(node: DmTagGroup | DmTagData | undefined): string | undefined {
  if (node?.kind !== 'data') return undefined;
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v) && v.kind === 'array' && v.text !== undefined) return v.text;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Plain-object view of a tag group (for metadata and JSON): labels → values, unnamed entries as arrays. */
export function dmToObject(group: DmTagGroup, depth = 0): unknown {
  const unnamed = group.entries.length > 0 && group.entries.every((e) => e.name === '');
  const conv = (e: DmTagEntry): unknown => {
    if (e.value.kind === 'group') return depth >= DM_MAX_DEPTH ? {} : dmToObject(e.value, depth + 1);
    const v = e.value.value;
    if (typeof v !== 'object' || Array.isArray(v)) return v;
    if (v.kind === 'array') {
      if (v.elementType === 4 && v.text !== undefined) return v.text;
      return v.values ?? `<${v.length} × ${DM_TYPE_NAME[v.elementType]} at byte ${v.offset}>`;
    }
    return v.values ?? `<${v.length} structs at byte ${v.offset}>`;
  };
  if (unnamed) return group.entries.map(conv);
  const out: Record<string, unknown> = {};
  for (const e of group.entries) out[e.name === '' ? `[${Object.keys(out).length}]` : e.name] = conv(e);
  return out;
}
