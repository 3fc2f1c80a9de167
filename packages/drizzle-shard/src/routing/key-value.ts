import { DrizzleShardError } from '../errors.ts';
import type { ShardKeyKind } from '../schema/annotations.ts';

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A shard key value after checking, in the form its hash function takes. */
export type NormalisedKey =
  | { kind: 'int'; value: bigint }
  | { kind: 'text'; value: string }
  | { kind: 'uuid'; value: string };

/** Validates a key value for its column kind; `SHARD_KEY_INVALID` says what was wrong. */
export function normaliseKey(value: unknown, kind: ShardKeyKind, where = 'shard key'): NormalisedKey {
  if (kind === 'int') {
    let n: bigint | undefined;
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
    if (n === undefined || n < INT8_MIN || n > INT8_MAX) throw invalid(value, 'a 64-bit integer', where);
    return { kind, value: n };
  }
  if (kind === 'uuid') {
    if (typeof value !== 'string' || !UUID.test(value)) throw invalid(value, 'a uuid string', where);
    return { kind, value: value.toLowerCase() };
  }
  if (typeof value !== 'string') throw invalid(value, 'a string', where);
  return { kind, value };
}

function invalid(value: unknown, expected: string, where: string): DrizzleShardError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : String(value);
  return new DrizzleShardError(
    'SHARD_KEY_INVALID',
    `The ${where} must be ${expected}; got ${typeof value} ${shown}.`,
    {
      expected,
    },
  );
}
