import type { Sql } from 'postgres';
import { readFleetMap, writeFleetMap } from './map-file.ts';
import { preflight } from './preflight.ts';
import { ensurePublications, ensureSubscriptions, syncStates, type TargetSyncState } from './replication.ts';
import { copySchema } from './schema-copy.ts';
import { connectForSplit, MARKER_DDL, type SplitPlan } from './split-plan.ts';

/** The split's connections: the source, a second source session for markers, every target. */
export interface SplitConnections {
  readonly source: Sql;
  readonly marker: Sql;
  readonly targets: readonly Sql[];
  close(): Promise<void>;
}

export function openSplit(plan: SplitPlan): SplitConnections {
  const source = connectForSplit(plan.source);
  const marker = connectForSplit(plan.source);
  const targets = plan.targets.map(connectForSplit);
  return {
    source,
    marker,
    targets,
    close: async () => {
      await Promise.all([source, marker, ...targets].map((s) => s.end({ timeout: 2 })));
    },
  };
}

export interface StartOptions {
  /** Where the app reads the fleet map; written as version 1 (`single`) if absent. */
  readonly mapFile: string;
  /** Called about twice a second while targets copy and catch up. */
  readonly onProgress?: (states: readonly TargetSyncState[]) => void;
  /** Return once every target is ready (default), or right after setting up. */
  readonly wait?: boolean;
}

/**
 * `drizzle-shard split`: checks everything first (nothing changes on a bad input), creates the
 * schema on the targets, then one publication per target on the source (row filters on the shard
 * function) and one subscription per target: PostgreSQL copies each target's rows and then keeps
 * it current while the app still writes to the source. Safe to run again at any point: each step
 * finds what an earlier run did and goes on from there; PostgreSQL itself resumes a copy a crash
 * interrupted.
 */
export async function startSplit(plan: SplitPlan, options: StartOptions): Promise<TargetSyncState[]> {
  const c = openSplit(plan);
  try {
    await preflight(plan, c.source, c.targets);
    if (!readFleetMap(options.mapFile)) {
      writeFleetMap(options.mapFile, {
        mode: 'single',
        source: plan.source,
        shards: plan.targets,
        map: plan.map.toJSON(),
      });
    }
    await c.source.unsafe(MARKER_DDL);
    await copySchema(plan, c.targets);
    await ensurePublications(plan, c.source);
    await ensureSubscriptions(plan, c.targets);
    for (;;) {
      const states = await syncStates(plan, c.source, c.targets);
      options.onProgress?.(states);
      if (options.wait === false || states.every((s) => s.ready)) return states;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await c.close();
  }
}
