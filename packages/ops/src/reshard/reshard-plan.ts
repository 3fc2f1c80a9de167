import {
  isDrizzleShardError,
  type PinnedHashStrategy,
  ShardMap,
  type StrategyResize,
  type TenantOverride,
  type UnitMove,
} from 'drizzle-shard';
import type { FleetMapFile } from '../split/map-file.ts';
import { checkMapKeys, type SplitTable, unitSql } from '../split/split-plan.ts';
import { ReshardError } from './reshard-error.ts';

/** Placement units (buckets, residues of the new modulus, pinned tenants) that move from one shard to another. */
export type ShardMove = UnitMove;

export interface ReshardPlan {
  /** The fleet map the app reads now (mode `sharded`). */
  readonly current: FleetMapFile;
  /**
   * Every shard the reshard touches, indexed by shard number: the old ones in their order, then
   * the new ones (growing); the old ones (shrinking).
   */
  readonly shards: readonly string[];
  /** The shards of the next map: `shards` when growing, the first M old ones when shrinking. */
  readonly fleet: readonly string[];
  readonly oldMap: ShardMap;
  /** The next map: epoch one higher, each old shard keeping what it can. */
  readonly map: ShardMap;
  /**
   * The map whose placement units (buckets, or residues of its modulus) moves are made of: the
   * finer of the two (the new map, except a modulo map shrinking: `key % N` of the old one).
   */
  readonly unitMap: ShardMap;
  readonly tables: readonly SplitTable[];
  readonly moves: readonly ShardMove[];
}

/** Publication, subscription and slot name of a move. */
export const moveName = (move: Pick<ShardMove, 'from' | 'to'>) => `drizzle_reshard_${move.from}_${move.to}`;

/** Marker row key an old shard writes at cutover (distinct from the split's -1). */
export const reshardMarkerKey = (from: number) => -100 - from;

/** Whether `move.to` is a shard the reshard adds (empty before it), not one of the fleet already. */
export const isNewShard = (plan: ReshardPlan, shard: number) => shard >= plan.current.shards.length;

/**
 * Whether `move` carries the reference tables to its new owner: the first move into a new
 * shard does (a shard of the fleet already has them).
 */
export const carriesReference = (plan: ReshardPlan, move: ShardMove) =>
  isNewShard(plan, move.to) && plan.moves.find((m) => m.to === move.to) === move;

/** Which shards a reshard touches: old owners losing units, new owners receiving them. */
export const movesFrom = (plan: ReshardPlan) =>
  [...new Set(plan.moves.map((m) => m.from))].sort((a, b) => a - b);
export const movesTo = (plan: ReshardPlan) => [...new Set(plan.moves.map((m) => m.to))].sort((a, b) => a - b);

/** `unit in units` as SQL, written as ranges (`between`) so 512 buckets stay one short clause. */
export function unitsSql(unit: string, units: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < units.length; ) {
    let j = i;
    while (j + 1 < units.length && units[j + 1] === units[j]! + 1) j++;
    parts.push(i === j ? `${unit} = ${units[i]}` : `${unit} between ${units[i]} and ${units[j]}`);
    i = j + 1;
  }
  return parts.length ? `(${parts.join(' or ')})` : 'false';
}

/** SQL true for a sharded table's rows that `move` carries (its units, under `unitMap`). */
export const moveFilterSql = (plan: ReshardPlan, table: SplitTable, move: ShardMove) =>
  unitsSql(unitSql(plan.unitMap, table), move.units);

/**
 * The plan of a resize the map's strategy worked out (`grow`, `shrink`, a pinned map's
 * `repin`); a count the strategy cannot take is `RESHARD_BAD_INPUT` with its reason.
 */
function planOf(
  parts: Pick<ReshardPlan, 'current' | 'shards' | 'fleet' | 'oldMap' | 'tables'>,
  resize: () => StrategyResize,
): ReshardPlan {
  checkMapKeys(parts.oldMap, parts.tables);
  let resized: StrategyResize;
  try {
    resized = resize();
  } catch (error) {
    if (isDrizzleShardError(error, 'SHARD_MAP_RESIZE'))
      throw new ReshardError('RESHARD_BAD_INPUT', error.message);
    throw error;
  }
  const map = ShardMap.of(resized.next);
  return { ...parts, map, unitMap: ShardMap.of(resized.units), moves: resized.moves };
}

function assertSharded(current: FleetMapFile) {
  if (current.mode !== 'sharded') {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `The fleet map (version ${current.version}) is in "${current.mode}" mode; reshard changes a sharded fleet. Finish the split (split cutover) first.`,
    );
  }
}

/**
 * The next map for growing a fleet from its current shards to `current.shards + added`, moving
 * as little as possible: every old shard keeps its first buckets (its fair share of the new
 * count) and hands the rest, in order, to the new shards. A modulo map (`key % N`) can grow to a
 * multiple of N: residue r of the new modulus then lives on shard r, so each old shard keeps one
 * residue class of every N and sends the others to new shards.
 */
export function planReshard(
  current: FleetMapFile,
  added: readonly string[],
  tables: readonly SplitTable[],
): ReshardPlan {
  assertSharded(current);
  const oldMap = ShardMap.fromJSON(current.map);
  const n = current.shards.length;
  const m = n + added.length;
  if (added.length === 0) {
    throw new ReshardError('RESHARD_BAD_INPUT', `Give at least one new shard; the fleet has ${n}.`);
  }
  const taken = added.find((url) => current.shards.includes(url));
  if (taken || new Set(added).size !== added.length) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      'Each new shard must be a database of its own, not one of the fleet or another new shard.',
    );
  }
  const shards = [...current.shards, ...added];
  const epoch = current.map.epoch + 1;
  return planOf({ current, shards, fleet: shards, oldMap, tables }, () => oldMap.strategy.grow(m, epoch));
}

/**
 * The next map for shrinking a fleet to its first `to` shards: the shards beyond hand all their
 * buckets to the ones that stay, each of which ends with its fair share of the new count (only
 * the leaving shards' buckets move). A modulo map (`key % N`) shrinks to a divisor M of N: shard
 * r ≥ M sends its rows to shard r % M, and units are residues of the old modulus.
 */
export function planShrink(current: FleetMapFile, to: number, tables: readonly SplitTable[]): ReshardPlan {
  assertSharded(current);
  const oldMap = ShardMap.fromJSON(current.map);
  const n = current.shards.length;
  if (!Number.isInteger(to) || to < 1 || to >= n) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `To shrink the fleet of ${n} shards give --to from 1 to ${n - 1} (and no --add); got ${to}.`,
    );
  }
  const shards = current.shards;
  const epoch = current.map.epoch + 1;
  return planOf({ current, shards, fleet: shards.slice(0, to), oldMap, tables }, () =>
    oldMap.strategy.shrink(to, epoch),
  );
}

/**
 * The plan for growing the fleet in `file` by `added`, or, when `file` already holds that
 * reshard's new map (its cutover ran), the same plan rebuilt from the layout it replaced, so a
 * resumed cutover or a rollback knows what moved.
 */
export function planFromFleetMap(
  file: FleetMapFile,
  added: readonly string[],
  tables: readonly SplitTable[],
): ReshardPlan {
  const before = file.previous;
  const grown = before && file.shards.join('\n') === [...before.shards, ...added].join('\n');
  return grown
    ? planReshard({ ...file, ...before, previous: undefined }, added, tables)
    : planReshard(file, added, tables);
}

/** As `planFromFleetMap`, for shrinking the fleet in `file` to its first `to` shards. */
export function shrinkPlanFromFleetMap(
  file: FleetMapFile,
  to: number,
  tables: readonly SplitTable[],
): ReshardPlan {
  const before = file.previous;
  const shrunk =
    before && before.shards.length > to && file.shards.join('\n') === before.shards.slice(0, to).join('\n');
  return shrunk
    ? planShrink({ ...file, ...before, previous: undefined }, to, tables)
    : planShrink(file, to, tables);
}

/** Whether `file` already holds the plan's new map: the cutover happened, and this is a resumed run. */
export const isFlipped = (plan: ReshardPlan, file: FleetMapFile | undefined) =>
  file?.map.epoch === plan.map.toJSON().epoch && file.shards.length === plan.fleet.length;

/**
 * The next map for pinning tenants anew on the same shards (a `pinned-hash` map, or a `hash` map
 * getting its first overrides): only the tenants whose shard changes move, as units of their own;
 * every bucket stays. Reshard's start, cutover and verify then move them like any other units.
 */
export function planRepin(
  current: FleetMapFile,
  overrides: readonly TenantOverride[],
  tables: readonly SplitTable[],
): ReshardPlan {
  assertSharded(current);
  const oldMap = ShardMap.fromJSON(current.map);
  const kinds = new Set(tables.flatMap((t) => (t.kind === 'sharded' && t.keyKind ? [t.keyKind] : [])));
  if (kinds.size !== 1) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `Pinning tenants needs the sharded tables to share one key type; these have ${kinds.size || 'none'}.`,
    );
  }
  if (!('buckets' in current.map)) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `Tenants pin on top of hash buckets; this map is ${current.map.strategy}.`,
    );
  }
  // The old map as a pinned one (no overrides yet when it is plain hash): it knows where each tenant was.
  const pinned = oldMap.withOverrides('overrides' in current.map ? current.map.overrides : []).strategy;
  const epoch = current.map.epoch + 1;
  const [kind] = kinds;
  return planOf({ current, shards: current.shards, fleet: current.shards, oldMap, tables }, () =>
    (pinned as PinnedHashStrategy).repin(overrides, epoch, kind!),
  );
}

/**
 * As `planRepin`, or, when `file` already holds the repinned map (its cutover ran), the same
 * plan rebuilt from the layout it replaced, so a resumed cutover or a rollback knows what moved.
 */
export function repinPlanFromFleetMap(
  file: FleetMapFile,
  overrides: readonly TenantOverride[],
  tables: readonly SplitTable[],
): ReshardPlan {
  const before = file.previous;
  if (before && file.shards.join('\n') === before.shards.join('\n') && 'buckets' in before.map) {
    // Compared as the repin writes them (tenants pinned before keep their place in the list).
    const fromBefore = planRepin({ ...file, ...before, previous: undefined }, overrides, tables);
    const written = fromBefore.map.toJSON();
    if (
      'overrides' in file.map &&
      'overrides' in written &&
      sameOverrides(file.map.overrides, written.overrides)
    )
      return fromBefore;
  }
  return planRepin(file, overrides, tables);
}

const sameOverrides = (a: readonly TenantOverride[], b: readonly TenantOverride[]) =>
  JSON.stringify(a.map((o) => [String(o.key), o.shard])) ===
  JSON.stringify(b.map((o) => [String(o.key), o.shard]));
