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
  /** Every shard's primary after the reshard: the old ones in their order, then the new ones. */
  readonly shards: readonly string[];
  readonly oldMap: ShardMap;
  /** The next map: epoch one higher, each old shard keeping what it can. */
  readonly map: ShardMap;
  readonly tables: readonly SplitTable[];
  readonly moves: readonly ShardMove[];
}

/** Publication, subscription and slot name of a move. */
export const moveName = (move: Pick<ShardMove, 'from' | 'to'>) => `drizzle_reshard_${move.from}_${move.to}`;

/** Marker row key an old shard writes at cutover (distinct from the split's -1). */
export const reshardMarkerKey = (from: number) => -100 - from;

/** Whether `move` carries the reference tables to its new owner: the first move into it does. */
export const carriesReference = (plan: ReshardPlan, move: ShardMove) =>
  plan.moves.find((m) => m.to === move.to) === move;

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

/** SQL true for a sharded table's rows that `move` carries (its units under the new map). */
export const moveFilterSql = (plan: ReshardPlan, table: SplitTable, move: ShardMove) =>
  unitsSql(unitSql(plan.map, table), move.units);

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
  if (current.mode !== 'sharded') {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `The fleet map (version ${current.version}) is in "${current.mode}" mode; reshard grows a sharded fleet. Finish the split (split cutover) first.`,
    );
  }
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
    return { current, shards, oldMap, map: ShardMap.modulo(m, epoch), tables, moves };
  }
  if (m > json.buckets) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `The map has ${json.buckets} buckets; it cannot spread over ${m} shards.`,
    );
  }
  const owner = new Int32Array(json.buckets);
  for (let b = 0; b < json.buckets; b++) owner[b] = oldMap.shardOfBucket(b);
  const share = (s: number) => Math.floor(((s + 1) * json.buckets) / m) - Math.floor((s * json.buckets) / m);
  const surplus: number[] = [];
  for (let s = 0; s < n; s++) {
    const mine = [];
    for (let b = 0; b < json.buckets; b++) if (owner[b] === s) mine.push(b);
    surplus.push(...mine.slice(share(s)));
  }
  const moved = new Map<string, ShardMove & { units: number[] }>();
  let next = 0;
  for (let s = n; s < m; s++) {
    for (let k = 0; k < share(s) && next < surplus.length; k++) {
      const b = surplus[next++]!;
      const key = `${owner[b]}>${s}`;
      const move = moved.get(key) ?? { from: owner[b]!, to: s, units: [] };
      move.units.push(b);
      moved.set(key, move);
      owner[b] = s;
    }
  }
  const ranges: BucketRange[] = [];
  for (let b = 0; b < json.buckets; b++) {
    const last = ranges.at(-1);
    if (last && last.shard === owner[b] && last.to === b - 1) ranges[ranges.length - 1] = { ...last, to: b };
    else ranges.push({ from: b, to: b, shard: owner[b]! });
  }
  const map = ShardMap.fromJSON({ format: 1, strategy: 'hash', epoch, buckets: json.buckets, ranges });
  const moves = [...moved.values()].map((mv) => ({ ...mv, units: mv.units.sort((a, b) => a - b) }));
  return { current, shards, oldMap, map, tables, moves };
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
