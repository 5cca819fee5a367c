import type { Reader } from './reader.ts';
import { Writer } from './writer.ts';

/**
 * Message schemas as data, transcribed from apache/kafka clients/src/main/resources/common/message/*.json:
 * each field has its versions, the versions where it may be null, and its tag when it is a tagged field.
 * One generic encoder/decoder walks them, so an API module is its grammar plus the TypeScript shape.
 * Flexible versions use compact strings/arrays/bytes and end every struct with a tagged-fields section.
 */
export type Scalar =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export interface Field {
  readonly name: string;
  readonly type: Scalar | readonly Field[];
  readonly array: boolean;
  readonly from: number;
  readonly to: number;
  readonly nullFrom: number;
  readonly nullTo: number;
  readonly tag: number | undefined;
  readonly def: unknown;
}

export interface FieldOpts {
  /** versions in which the value may be null, e.g. '1+' or '2-7' */
  nullable?: string;
  tag?: number;
  /** value when the field is absent from a version (decode) or missing from the object (encode) */
  def?: unknown;
}

export function versions(s: string): [number, number] {
  if (s === 'none') return [1, 0];
  if (s.endsWith('+')) return [Number(s.slice(0, -1)), 0x7fff];
  const [a, b] = s.split('-');
  return b === undefined ? [Number(a), Number(a)] : [Number(a), Number(b)];
}

function field(name: string, type: Scalar | readonly Field[], arr: boolean, v: string, o: FieldOpts): Field {
  const [from, to] = versions(v);
  const [nullFrom, nullTo] = o.nullable ? versions(o.nullable) : [1, 0];
  return { name, type, array: arr, from, to, nullFrom, nullTo, tag: o.tag, def: o.def };
}

/** A scalar or struct field. */
export function f(name: string, type: Scalar | readonly Field[], v: string, o: FieldOpts = {}): Field {
  return field(name, type, false, v, o);
}

/** An array of scalars or structs. */
export function arr(name: string, type: Scalar | readonly Field[], v: string, o: FieldOpts = {}): Field {
  return field(name, type, true, v, o);
}

const inRange = (v: number, a: number, b: number) => v >= a && v <= b;

function defaultOf(fd: Field, version: number): unknown {
  if (fd.def !== undefined) return fd.def;
  const nullable = inRange(version, fd.nullFrom, fd.nullTo);
  if (fd.array) return nullable ? null : [];
  switch (fd.type) {
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'float64':
      return 0;
    case 'int64':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return nullable ? null : '';
    case 'bytes':
      return nullable ? null : Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return ZERO_UUID;
    default:
      return null; // structs
  }
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function writeScalar(w: Writer, t: Scalar, v: unknown, nullable: boolean, flex: boolean): void {
  switch (t) {
    case 'int8':
      w.int8(v as number);
      return;
    case 'int16':
      w.int16(v as number);
      return;
    case 'uint16':
      w.uint16(v as number);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'int64':
      w.int64(v as bigint);
      return;
    case 'float64':
      w.float64(v as number);
      return;
    case 'bool':
      w.bool(v as boolean);
      return;
    case 'uuid':
      w.uuid(v as string);
      return;
    case 'string':
      if (flex) {
        if (nullable) w.compactNullableString(v as string | null);
        else w.compactString(v as string);
      } else if (nullable) w.nullableString(v as string | null);
      else w.string(v as string);
      return;
    case 'bytes':
    case 'records':
      if (flex) {
        if (nullable || t === 'records') w.compactNullableBytes(v as Buffer | null);
        else w.compactBytes(v as Buffer);
      } else if (nullable || t === 'records') w.nullableBytes(v as Buffer | null);
      else w.bytes(v as Buffer);
      return;
  }
}

function readScalar(r: Reader, t: Scalar, nullable: boolean, flex: boolean): unknown {
  switch (t) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string':
      if (flex) return nullable ? r.compactNullableString() : r.compactString();
      return nullable ? r.nullableString() : r.string();
    case 'bytes':
    case 'records':
      if (flex) return nullable || t === 'records' ? r.compactNullableBytes() : r.compactBytes();
      return nullable || t === 'records' ? r.nullableBytes() : r.bytes();
  }
}

function writeValue(w: Writer, fd: Field, value: unknown, version: number, flex: boolean): void {
  const nullable = inRange(version, fd.nullFrom, fd.nullTo);
  const t = fd.type;
  if (fd.array) {
    const items = value as unknown[] | null;
    if (items === null && !nullable) throw new TypeError(`${fd.name} may not be null in version ${version}`);
    const each =
      typeof t === 'string'
        ? (x: Writer, it: unknown) => writeScalar(x, t, it, false, flex)
        : (x: Writer, it: unknown) => writeStruct(x, t, it as Record<string, unknown>, version, flex);
    if (flex) w.compactArray(items, each);
    else w.array(items, each);
    return;
  }
  if (typeof t === 'string') writeScalar(w, t, value, nullable, flex);
  else if (value === null) {
    if (!nullable) throw new TypeError(`${fd.name} may not be null in version ${version}`);
    w.int8(-1);
  } else {
    if (nullable) w.int8(1);
    writeStruct(w, t, value as Record<string, unknown>, version, flex);
  }
}

function readValue(r: Reader, fd: Field, version: number, flex: boolean): unknown {
  const nullable = inRange(version, fd.nullFrom, fd.nullTo);
  const t = fd.type;
  if (fd.array) {
    const each =
      typeof t === 'string'
        ? (x: Reader) => readScalar(x, t, false, flex)
        : (x: Reader) => readStruct(x, t, version, flex);
    const items = flex ? r.compactArray(each) : r.array(each);
    return items === null && !nullable ? [] : items;
  }
  if (typeof t === 'string') return readScalar(r, t, nullable, flex);
  if (nullable && r.int8() < 0) return null;
  return readStruct(r, t, version, flex);
}

function isDefault(v: unknown, d: unknown): boolean {
  if (v === undefined || v === d) return true;
  if (Array.isArray(v) && v.length === 0 && Array.isArray(d) && d.length === 0) return true;
  return false;
}

export function writeStruct(
  w: Writer,
  fields: readonly Field[],
  obj: Record<string, unknown>,
  version: number,
  flex: boolean,
): void {
  let tagged: Array<readonly [number, Buffer]> | undefined;
  for (const fd of fields) {
    if (!inRange(version, fd.from, fd.to)) continue;
    let v = obj[fd.name];
    if (fd.tag !== undefined) {
      if (!flex) continue;
      const d = defaultOf(fd, version);
      if (isDefault(v, d)) continue;
      const tw = new Writer(64);
      writeValue(tw, fd, v, version, flex);
      tagged ??= [];
      tagged.push([fd.tag, tw.toBuffer()]);
      continue;
    }
    if (v === undefined) v = defaultOf(fd, version);
    writeValue(w, fd, v, version, flex);
  }
  if (flex) {
    if (tagged) tagged.sort((a, b) => a[0] - b[0]);
    w.taggedFields(tagged);
  }
}

export function readStruct(
  r: Reader,
  fields: readonly Field[],
  version: number,
  flex: boolean,
): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const fd of fields) {
    if (!inRange(version, fd.from, fd.to) || fd.tag !== undefined) {
      obj[fd.name] = defaultOf(fd, version);
      continue;
    }
    obj[fd.name] = readValue(r, fd, version, flex);
  }
  if (flex)
    r.taggedFields((tag, tr) => {
      const fd = tagsOf(fields).get(tag);
      if (fd && inRange(version, fd.from, fd.to)) obj[fd.name] = readValue(tr, fd, version, flex);
    });
  return obj;
}

const TAGS = new WeakMap<readonly Field[], Map<number, Field>>();

/** A struct's tagged fields by tag (computed once per schema). */
function tagsOf(fields: readonly Field[]): Map<number, Field> {
  let m = TAGS.get(fields);
  if (!m) {
    m = new Map();
    for (const fd of fields) if (fd.tag !== undefined) m.set(fd.tag, fd);
    TAGS.set(fields, m);
  }
  return m;
}
