import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, runSql, startCluster } from '../src/index.ts';
import { eventually } from './support/processes.ts';

async function visibleOn(url: string, id: number): Promise<boolean> {
  const rows = await runSql<{ n: number }[]>(url, `select count(*)::int as n from item where id = ${id}`);
  return rows[0]?.n === 1;
}

describe('cluster controls', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ shards: 1, replicas: 1 });
    await runSql(cluster.shards[0]!.primary.url, 'create table item(id int primary key)');
    await eventually(() =>
      runSql(cluster.shards[0]!.replicas[0]!.url, 'select 1 from item').then(
        () => true,
        () => false,
      ),
    );
  });
  afterAll(() => cluster?.destroy());

  it('setReplayDelay(replica, 2000) hides a fresh write on the replica for at least 1.5 s, then shows it', async () => {
    const { primary, replicas } = cluster.shards[0]!;
    const replica = replicas[0]!;
    await cluster.setReplayDelay(replica, 2000);
    const written = Date.now();
    await runSql(primary.url, 'insert into item values (1)');
    let firstSeen: number | undefined;
    while (Date.now() - written < 10_000 && firstSeen === undefined) {
      if (await visibleOn(replica.url, 1)) firstSeen = Date.now();
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(firstSeen, 'the row became visible within 10 s').toBeDefined();
    expect(firstSeen! - written).toBeGreaterThanOrEqual(1500);

    await cluster.setReplayDelay(replica, 0);
    await runSql(primary.url, 'insert into item values (2)');
    expect(await eventually(() => visibleOn(replica.url, 2), 1500)).toBe(true);
  });

  it('pauseReplay/resumeReplay stop and restart applying WAL on a replica', async () => {
    const { primary, replicas } = cluster.shards[0]!;
    await cluster.pauseReplay(replicas[0]!);
    await runSql(primary.url, 'insert into item values (3)');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await visibleOn(replicas[0]!.url, 3)).toBe(false);
    await cluster.resumeReplay(replicas[0]!);
    expect(await eventually(() => visibleOn(replicas[0]!.url, 3))).toBe(true);
  });

  it('replay controls refuse a primary with a typed error', async () => {
    await expect(cluster.pauseReplay(cluster.shards[0]!.primary)).rejects.toMatchObject({
      code: 'KIT_NOT_A_REPLICA',
    });
    await expect(cluster.stop('shard9-primary')).rejects.toMatchObject({ code: 'KIT_NODE_UNKNOWN' });
  });

  it('stop()/start() take a replica and a primary down and bring them back', async () => {
    const { primary, replicas } = cluster.shards[0]!;
    const replica = replicas[0]!;
    for (const node of [replica, primary]) {
      await cluster.stop(node);
      const sql = postgres(node.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      await expect(sql`select 1`).rejects.toThrow();
      await sql.end();
      await cluster.start(node);
      expect(await runSql(node.url, 'select 1 as ok')).toEqual([{ ok: 1 }]);
    }
    await runSql(primary.url, 'insert into item values (4)');
    expect(await eventually(() => visibleOn(replica.url, 4))).toBe(true);
  });
});
