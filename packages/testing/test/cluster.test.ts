import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cluster, runSql, startCluster } from '../src/index.ts';
import { eventually, processesMentioning } from './support/processes.ts';

describe('a 4-shard cluster with 2 replicas per shard (local backend)', () => {
  let cluster: Cluster | undefined;
  afterAll(() => cluster?.destroy());

  it('replicates a write on every primary to both of its replicas', async () => {
    cluster = await startCluster({ shards: 4, replicas: 2 });
    expect(cluster.nodes).toHaveLength(12);
    expect(processesMentioning(cluster.dataRoot).length).toBeGreaterThanOrEqual(12);

    for (const shard of cluster.shards) {
      await runSql(
        shard.primary.url,
        `create table marker(shard int); insert into marker values (${shard.index})`,
      );
    }
    for (const shard of cluster.shards) {
      expect(shard.replicas).toHaveLength(2);
      for (const replica of shard.replicas) {
        const seen = await eventually(async () => {
          const rows = await runSql<{ shard: number }[]>(replica.url, 'select shard from marker').catch(
            () => [],
          );
          return rows.length === 1 && rows[0]?.shard === shard.index;
        });
        expect(seen, `${replica.id} sees shard ${shard.index}'s row`).toBe(true);
        const [{ in_recovery }] = await runSql<[{ in_recovery: boolean }]>(
          replica.url,
          'select pg_is_in_recovery() as in_recovery',
        );
        expect(in_recovery).toBe(true);
      }
    }
  });

  it('destroy() leaves no postgres process and no data dir behind', async () => {
    const c = cluster!;
    await c.destroy();
    expect(processesMentioning(c.dataRoot)).toEqual([]);
    expect(existsSync(c.dataRoot)).toBe(false);
    await expect(c.stop(c.nodes[0]!)).rejects.toMatchObject({ code: 'KIT_DESTROYED' });
  });
});
