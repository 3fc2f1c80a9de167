import { DrizzleShardError } from '../errors.ts';
import type { TokenKey } from './token.ts';

/**
 * How a session's reads see its own writes:
 * - `lsn` (default): after a write, reads of that shard go to a replica that has replayed past
 *   the write's WAL position, else the primary (optionally waiting `waitMs` for a replica).
 * - `window`: the seed's rule; reads of a shard go to the primary for `windowMs` after a write.
 * - `strong`: every read on the primary.
 */
export type ConsistencyOptions =
  | { readonly mode: 'lsn'; readonly waitMs?: number }
  | { readonly mode: 'window'; readonly windowMs?: number }
  | { readonly mode: 'strong' };

export type ResolvedConsistency =
  | { readonly mode: 'lsn'; readonly waitMs: number }
  | { readonly mode: 'window'; readonly windowMs: number }
  | { readonly mode: 'strong' };

/** Signing keys for consistency tokens, so another API instance can trust a session's writes. */
export interface TokenOptions {
  /** Sign with the first; accept all (rotate by adding the new key first, then dropping the old). */
  readonly keys: readonly TokenKey[];
  /** Tokens older than this are ignored (their writes are long replicated). Default 1 hour. */
  readonly maxAgeMs?: number;
  /** `downgrade` (default): a bad token sends reads to primaries for a while; `throw`: `CONSISTENCY_TOKEN_INVALID`. */
  readonly onInvalid?: 'downgrade' | 'throw';
}

export function resolveConsistency(options: ConsistencyOptions | undefined): ResolvedConsistency {
  const mode = options?.mode ?? 'lsn';
  if (mode === 'lsn') {
    const waitMs = (options as { waitMs?: number } | undefined)?.waitMs ?? 0;
    if (!(waitMs >= 0)) throw new DrizzleShardError('CONFIG_INVALID', 'consistency.waitMs must be ≥ 0.');
    return { mode, waitMs };
  }
  if (mode === 'window') {
    const windowMs = (options as { windowMs?: number }).windowMs ?? 10_000;
    if (!(windowMs > 0)) throw new DrizzleShardError('CONFIG_INVALID', 'consistency.windowMs must be > 0.');
    return { mode, windowMs };
  }
  if (mode === 'strong') return { mode };
  throw new DrizzleShardError(
    'CONFIG_INVALID',
    `consistency.mode must be 'lsn', 'window' or 'strong', not ${String(mode)}.`,
  );
}

export function checkTokenOptions(tokens: TokenOptions | undefined, maxLagMs: number): void {
  if (!tokens) return;
  if (!tokens.keys?.length)
    throw new DrizzleShardError('CONFIG_INVALID', 'tokens.keys must list at least one key.');
  for (const key of tokens.keys) {
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(key.id))
      throw new DrizzleShardError('CONFIG_INVALID', 'A token key id is 1–16 characters of [A-Za-z0-9_-].');
    if (Buffer.byteLength(key.secret) < 16)
      throw new DrizzleShardError(
        'CONFIG_INVALID',
        `Token key "${key.id}" needs a secret of at least 16 bytes.`,
      );
  }
  // An expired token is ignored, which is only safe once every usable replica has its writes.
  if ((tokens.maxAgeMs ?? 3_600_000) <= maxLagMs) {
    throw new DrizzleShardError('CONFIG_INVALID', 'tokens.maxAgeMs must exceed replicas.maxLagMs.');
  }
}
