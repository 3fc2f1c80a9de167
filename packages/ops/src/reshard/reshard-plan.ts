import { type BucketRange, ShardMap } from 'drizzle-shard';
import type { FleetMapFile } from '../split/map-file.ts';
import { type SplitTable, unitSql } from '../split/split-plan.ts';
import { ReshardError } from './reshard-error.ts';

/** Placement units (buckets, or residues of the new modulus) that move from one shard to another. */
export interface ShardMove {
  readonly from: number;
  readonly to: number;
  /** Sorted, ascending. */
  readonly units: readonly number[];
}

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

/** The map's bucket ranges, read off an owner per bucket. */
function rangesOf(owner: Int32Array): BucketRange[] {
  const ranges: BucketRange[] = [];
  for (let b = 0; b < owner.length; b++) {
    const last = ranges.at(-1);
    if (last && last.shard === owner[b] && last.to === b - 1) ranges[ranges.length - 1] = { ...last, to: b };
    else ranges.push({ from: b, to: b, shard: owner[b]! });
  }
  return ranges;
}

/** Buckets shard `s` of `m` should hold: an even split of `buckets`. */
const fairShare = (buckets: number, m: number, s: number) =>
  Math.floor(((s + 1) * buckets) / m) - Math.floor((s * buckets) / m);

/**
 * Bucket owners of a hash map being replanned: starts from `oldMap`; `give(b, s)` moves bucket b
 * to shard s and records the move (one per old owner → new owner pair, units ascending).
 */
function bucketOwners(oldMap: ShardMap, buckets: number) {
  const owner = new Int32Array(buckets);
  for (let b = 0; b < buckets; b++) owner[b] = oldMap.shardOfBucket(b);
  const moved = new Map<string, ShardMove & { units: number[] }>();
  return {
    owner,
    give(bucket: number, to: number) {
      const from = owner[bucket]!;
      const move = moved.get(`${from}>${to}`) ?? { from, to, units: [] };
      move.units.push(bucket);
      moved.set(`${from}>${to}`, move);
      owner[bucket] = to;
    },
    moves: (): ShardMove[] =>
      [...moved.values()].map((mv) => ({ ...mv, units: mv.units.sort((a, b) => a - b) })),
    map: (epoch: number) =>
      ShardMap.fromJSON({ format: 1, strategy: 'hash', epoch, buckets, ranges: rangesOf(owner) }),
  };
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
  const json = current.map;
  if (json.strategy === 'modulo') {
    if (m % n !== 0) {
      throw new ReshardError(
        'RESHARD_BAD_INPUT',
        `A modulo map grows only to a multiple of its shard count (${n} → ${2 * n}, ${3 * n}, …), not to ${m}: other rows would move between old shards. Use the hash strategy for other counts.`,
      );
    }
    const moves = Array.from({ length: m - n }, (_, i) => ({ from: (n + i) % n, to: n + i, units: [n + i] }));
    const map = ShardMap.modulo(m, epoch);
    return { current, shards, fleet: shards, oldMap, map, unitMap: map, tables, moves };
  }
  if (m > json.buckets) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `The map has ${json.buckets} buckets; it cannot spread over ${m} shards.`,
    );
  }
  const owners = bucketOwners(oldMap, json.buckets);
  const share = (s: number) => fairShare(json.buckets, m, s);
  const surplus: number[] = [];
  for (let s = 0; s < n; s++) {
    const mine = [];
    for (let b = 0; b < json.buckets; b++) if (owners.owner[b] === s) mine.push(b);
    surplus.push(...mine.slice(share(s)));
  }
  let next = 0;
  for (let s = n; s < m; s++) {
    for (let k = 0; k < share(s) && next < surplus.length; k++) owners.give(surplus[next++]!, s);
  }
  const map = owners.map(epoch);
  return { current, shards, fleet: shards, oldMap, map, unitMap: map, tables, moves: owners.moves() };
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
  const fleet = shards.slice(0, to);
  const epoch = current.map.epoch + 1;
  const json = current.map;
  if (json.strategy === 'modulo') {
    if (n % to !== 0) {
      throw new ReshardError(
        'RESHARD_BAD_INPUT',
        `A modulo map shrinks only to a divisor of its shard count ${n}, not to ${to}: other rows would move between the shards that stay. Use the hash strategy for other counts.`,
      );
    }
    const moves = Array.from({ length: n - to }, (_, i) => ({
      from: to + i,
      to: (to + i) % to,
      units: [to + i],
    }));
    return {
      current,
      shards,
      fleet,
      oldMap,
      map: ShardMap.modulo(to, epoch),
      unitMap: oldMap,
      tables,
      moves,
    };
  }
  const owners = bucketOwners(oldMap, json.buckets);
  const leaving: number[] = [];
  const held = new Array<number>(to).fill(0);
  for (let b = 0; b < json.buckets; b++) {
    const s = owners.owner[b]!;
    if (s >= to) leaving.push(b);
    else held[s]!++;
  }
  let next = 0;
  for (let s = 0; s < to; s++) {
    for (let k = held[s]!; k < fairShare(json.buckets, to, s) && next < leaving.length; k++) {
      owners.give(leaving[next++]!, s);
    }
  }
  // A shard that stays above its share leaves others below it, and the rest still has to go somewhere.
  for (let s = 0; next < leaving.length; s = (s + 1) % to) owners.give(leaving[next++]!, s);
  const map = owners.map(epoch);
  return { current, shards, fleet, oldMap, map, unitMap: map, tables, moves: owners.moves() };
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
