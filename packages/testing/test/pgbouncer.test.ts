import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from '../src/index.ts';

describe('PgBouncer in transaction mode', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ shards: 1, replicas: 0, pgbouncer: { poolSize: 10 } });
  });
  afterAll(() => cluster?.destroy());

  it('serves 200 concurrent clients with at most 10 server connections', async () => {
    const node = cluster.shards[0]!.primary;
    expect(node.pgbouncerUrl).toBeDefined();
    const monitor = postgres(node.url, { max: 1, connection: { application_name: 'kit-monitor' } });
    const clients = postgres(node.pgbouncerUrl!, { max: 200, prepare: false, idle_timeout: 1 });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await monitor<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where backend_type = 'client backend' and pid <> pg_backend_pid()
            and coalesce(application_name, '') <> 'kit-monitor'`;
        peak = Math.max(peak, row!.n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        clients`select ${i}::int as i, pg_sleep(0.05)`.then((r) => r[0]!.i),
      ),
    );
    sampling = false;
    await sampler;
    await clients.end();
    await monitor.end();
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(10);
  });
});
