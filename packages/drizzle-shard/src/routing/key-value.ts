import { DrizzleShardError } from '../errors.ts';
import type { ShardKeyKind, ShardKeyType } from '../schema/annotations.ts';

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
/** PostgreSQL's `uuid_in`: 32 hex digits, a hyphen allowed after any group of four, optionally in braces. */
const UUID = /^(?:\{(?:[0-9a-f]{4}-?){7}[0-9a-f]{4}\}|(?:[0-9a-f]{4}-?){7}[0-9a-f]{4})$/i;
/** PostgreSQL's integer input: C-locale spaces around an optionally signed run of digits. */
const INTEGER = /^[ \t\n\v\f\r]*([+-]?\d+)[ \t\n\v\f\r]*$/;

/** A shard key value after checking, in the form its hash function takes. */
export type NormalisedKey =
  | { kind: 'int'; value: bigint }
  | { kind: 'text'; value: string }
  | { kind: 'uuid'; value: string };

/**
 * Validates a key value for its column type and brings it to the form the column stores, so
 * every spelling PostgreSQL stores as one value hashes as one key: integer strings as
 * `int8in` reads them (spaces, sign), a uuid in any `uuid_in` spelling, `char(n)` without
 * trailing spaces, `varchar(n)` without spaces beyond `n` characters. A value PostgreSQL
 * would reject is `SHARD_KEY_INVALID`.
 */
export function normaliseKey(
  value: unknown,
  type: ShardKeyKind | ShardKeyType,
  where = 'shard key',
): NormalisedKey {
  const { kind, blankPadded, maxChars } = typeof type === 'string' ? { kind: type } : type;
  if (kind === 'int') {
    let n: bigint | undefined;
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string') {
      const digits = INTEGER.exec(value)?.[1];
      if (digits !== undefined) n = BigInt(digits);
    }
    if (n === undefined || n < INT8_MIN || n > INT8_MAX) throw invalid(value, 'a 64-bit integer', where);
    return { kind, value: n };
  }
  if (kind === 'uuid') {
    if (typeof value !== 'string' || !UUID.test(value)) throw invalid(value, 'a uuid string', where);
    const hex = value.replace(/[{}-]/g, '').toLowerCase();
    const canonical = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { kind, value: canonical };
  }
  if (typeof value !== 'string') throw invalid(value, 'a string', where);
  if (blankPadded) return { kind, value: value.replace(/ +$/, '') };
  if (maxChars !== undefined) return { kind, value: withoutExcessSpaces(value, maxChars) };
  return { kind, value };
}

/** `varchar(n)` input: characters beyond `n` are dropped when they are all spaces (else the insert fails). */
function withoutExcessSpaces(value: string, maxChars: number): string {
  if (value.length <= maxChars || !value.endsWith(' ')) return value;
  const chars = Array.from(value);
  if (chars.length <= maxChars || chars.slice(maxChars).some((c) => c !== ' ')) return value;
  return chars.slice(0, maxChars).join('');
}

function invalid(value: unknown, expected: string, where: string): DrizzleShardError {
  // The value itself is not shown: keys are often personal data (emails, user ids).
  const shown = typeof value === 'string' ? `a string of ${value.length} characters` : typeof value;
  return new DrizzleShardError('SHARD_KEY_INVALID', `The ${where} must be ${expected}; got ${shown}.`, {
    expected,
  });
}
