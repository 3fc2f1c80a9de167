import { DrizzleShardError } from '../errors.ts';

/** A stored map that does not parse or does not hold together. */
export function mapError(detail: string): DrizzleShardError {
  return new DrizzleShardError('SHARD_MAP_INVALID', `Invalid shard map: ${detail}.`);
}

/** A map that cannot take the shard count a reshard asks for. */
export function resizeError(detail: string): DrizzleShardError {
  return new DrizzleShardError('SHARD_MAP_RESIZE', detail);
}

export function checkCount(name: string, value: unknown, min: number, max: number): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw mapError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
