import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ShardMap, type ShardMapJson } from 'drizzle-shard';

/**
 * What the app reads to know where its data lives: one database (`single`, before a split's
 * cutover or after a rollback) or shards with their map. Every change gets a higher `version`,
 * so an app can reload when the version it holds is old.
 */
export interface FleetMapFile {
  readonly format: 1;
  readonly version: number;
  readonly mode: 'single' | 'sharded';
  readonly source: string;
  readonly shards: readonly string[];
  readonly map: ShardMapJson;
  /** The layout a reshard replaced (so a resumed cutover, or a rollback, knows where rows came from). */
  readonly previous?: {
    readonly version: number;
    readonly shards: readonly string[];
    readonly map: ShardMapJson;
  };
  readonly updatedAt: string;
}

export function readFleetMap(file: string): FleetMapFile | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as FleetMapFile;
  ShardMap.fromJSON(parsed.map); // validates
  return parsed;
}

/** Writes the next version atomically (a temporary file renamed over the old one). */
export function writeFleetMap(
  file: string,
  next: Omit<FleetMapFile, 'format' | 'version' | 'updatedAt'>,
): FleetMapFile {
  const version = (readFleetMap(file)?.version ?? 0) + 1;
  const value: FleetMapFile = { format: 1, version, ...next, updatedAt: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
  return value;
}

/**
 * The `shards` and `shardMap` options of `shardedDrizzle` for a fleet map: the source as the one
 * shard before a split's cutover (or after a rollback), else the shards and their map.
 */
export function driverLayout(file: FleetMapFile): { shards: { primary: string }[]; shardMap: ShardMap } {
  return file.mode === 'single'
    ? { shards: [{ primary: file.source }], shardMap: ShardMap.hash({ shards: 1 }) }
    : { shards: file.shards.map((primary) => ({ primary })), shardMap: ShardMap.fromJSON(file.map) };
}
