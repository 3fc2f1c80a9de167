import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { startCluster, TestKitError } from '../src/index.ts';

const cgroupV1 = existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');

it.runIf(cgroupV1 && process.getuid?.() === 0)(
  'cpuQuota puts each server (postmaster and backends) in a cgroup with that CPU quota, throttled when busy, removed on destroy',
  async () => {
    const cluster = await startCluster({ shards: 1, replicas: 1, cpuQuota: 0.2 });
    const node = cluster.shards[0]!.primary;
    const pid = Number(readFileSync(join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const groupOf = (p: number) => readFileSync(`/proc/${p}/cgroup`, 'utf8').match(/:cpu:(\S+)/)?.[1];
    const group = groupOf(pid)!;
    expect(group).toMatch(/^\/drizzle-shard-[^/]+\/shard0-primary$/);
    const dir = `/sys/fs/cgroup/cpu${group}`;
    expect(readFileSync(join(dir, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('20000');
    const sql = postgres(node.url, { max: 1 });
    try {
      const [row] = await sql<{ backend: number }[]>`select pg_backend_pid() as backend`;
      expect(groupOf(row!.backend)).toBe(group); // forked after the move: inherited
      const before = cluster.cpuUsage(node);
      const started = Date.now();
      await sql`select count(*) from generate_series(1, 3000000)`;
      const seconds = (Date.now() - started) / 1000;
      const throttled = Number(/nr_throttled (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))![1]);
      expect(throttled).toBeGreaterThan(0);
      // cpuUsage counts the server's CPU time: about the quota's share of the wall time it was busy.
      const after = cluster.cpuUsage(node);
      const used = after.cpuSeconds - before.cpuSeconds;
      expect(used).toBeGreaterThan(0.1 * seconds);
      expect(used).toBeLessThan(0.3 * seconds + 0.05);
      expect(after.throttledPeriods - before.throttledPeriods).toBeGreaterThan(0);
      expect(() => cluster.cpuUsage('nope')).toThrowError(
        expect.objectContaining({ code: 'KIT_NODE_UNKNOWN' }),
      );
      // The replica has its own group.
      const replicaPid = Number(
        readFileSync(join(cluster.shards[0]!.replicas[0]!.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      expect(groupOf(replicaPid)).toMatch(/\/shard0-replica1$/);
    } finally {
      await sql.end();
      await cluster.destroy();
    }
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/cpuacct${group}`)).toBe(false);
  },
);

it('cpuQuota is refused clearly where it cannot work', async () => {
  await expect(startCluster({ backend: 'docker', cpuQuota: 0.5 })).rejects.toMatchObject({
    code: 'KIT_BAD_OPTIONS',
  });
  await expect(startCluster({ cpuQuota: -1 })).rejects.toBeInstanceOf(TestKitError);
});
