import { isDecimalText } from './decimal.ts';
import { FanoutMergeError, InvalidCursorError } from './errors.ts';
import { compareRows, type SortKey } from './sorted-merge.ts';
import { parseTemporal } from './temporal.ts';
import type { ValueKind } from './value-kind.ts';

/** The sort-key values of the last row a client saw, in the order of the keys. */
export interface KeysetCursor {
  values: unknown[];
}

/** JSON has no NaN, ±Infinity or bigint, all of which can be sort-key values; they travel tagged. */
type WireValue = null | boolean | string | number | { n: 'NaN' | 'Infinity' | '-Infinity' } | { b: string };

interface WireCursor {
  v: 1;
  /** Fingerprint of the sort keys, so a cursor from another ordering is rejected, not misapplied. */
  k: string;
  x: WireValue[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** FNV-1a over the key descriptions: short, stable, and not meant to be a secret. */
function fingerprint(keys: readonly SortKey[]): string {
  const text = keys.map((k) => `${k.index}:${k.direction}:${k.nulls ?? ''}:${k.kind}`).join(',');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function toWire(value: unknown): WireValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return { b: value.toString() };
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    return { n: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
  }
  if (value instanceof Date) return value.toISOString();
  throw new FanoutMergeError('FANOUT_MERGE_INVALID_INPUT', `Cannot put a ${typeof value} into a cursor`, {
    value,
  });
}

function fromWire(wire: unknown): unknown {
  if (wire === null || typeof wire === 'boolean' || typeof wire === 'string' || typeof wire === 'number')
    return wire;
  if (typeof wire === 'object' && !Array.isArray(wire)) {
    const entries = Object.entries(wire);
    const [entry] = entries;
    if (entries.length === 1 && entry) {
      const [tag, text] = entry;
      if (tag === 'n' && (text === 'NaN' || text === 'Infinity' || text === '-Infinity')) return Number(text);
      if (tag === 'b' && typeof text === 'string' && /^-?\d+$/.test(text)) return BigInt(text);
    }
  }
  throw new InvalidCursorError('Cursor holds a value of an unexpected shape');
}

/** Whether a decoded value can be a sort-key value of `kind`, so garbage fails here and not in SQL. */
function fitsKind(value: unknown, kind: ValueKind): boolean {
  if (value === null) return true;
  switch (kind) {
    case 'number':
      return typeof value === 'number';
    case 'int8':
      return (
        typeof value === 'bigint' ||
        Number.isSafeInteger(value) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
      );
    case 'numeric':
      return typeof value === 'number' || (typeof value === 'string' && isDecimalText(value));
    case 'text':
      return typeof value === 'string';
    case 'timestamp':
      return parseTemporal(value) !== undefined;
    case 'boolean':
      return typeof value === 'boolean';
    case 'uuid':
      return typeof value === 'string' && UUID_RE.test(value);
    default:
      return true;
  }
}

/**
 * Encodes the sort-key values of `row` as an opaque, URL-safe cursor (base64url of JSON), bound to
 * `keys`. Give it the last row of a page; the next page starts strictly after it.
 */
export function encodeCursor(row: readonly unknown[], keys: readonly SortKey[]): string {
  const wire: WireCursor = { v: 1, k: fingerprint(keys), x: keys.map((key) => toWire(row[key.index])) };
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` for the same `keys`. Cursors come from clients, so anything
 * else — bad base64url, bad JSON, another ordering, values that do not fit the key kinds — throws
 * `InvalidCursorError` (code FANOUT_CURSOR_INVALID).
 */
export function decodeCursor(text: string, keys: readonly SortKey[]): KeysetCursor {
  // Buffer's base64url decoder skips invalid characters silently; insist on the canonical form.
  const bytes = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : undefined;
  if (!bytes || bytes.toString('base64url') !== text) {
    throw new InvalidCursorError('Cursor is not base64url text');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidCursorError('Cursor does not hold JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError('Cursor is not an object');
  const wire = parsed as Partial<Record<keyof WireCursor, unknown>>;
  if (wire.v !== 1 || !Array.isArray(wire.x)) throw new InvalidCursorError('Cursor has an unknown format');
  if (wire.k !== fingerprint(keys) || wire.x.length !== keys.length) {
    throw new InvalidCursorError('Cursor was made for a different ordering');
  }
  const values = wire.x.map(fromWire);
  values.forEach((value, i) => {
    const kind = keys[i]!.kind;
    if (!fitsKind(value, kind)) throw new InvalidCursorError(`Cursor value ${i} is not a valid ${kind}`);
  });
  return { values };
}

/** Whether `row` comes strictly after the cursor position under ORDER BY `keys` (nulls placement included). */
export function isAfterCursor(
  row: readonly unknown[],
  cursor: KeysetCursor,
  keys: readonly SortKey[],
): boolean {
  // Lay the cursor values out as a row so compareRows can address them by the same column indexes.
  const reference: unknown[] = [];
  keys.forEach((key, i) => {
    reference[key.index] = cursor.values[i] ?? null;
  });
  return compareRows(row, reference, keys) > 0;
}
