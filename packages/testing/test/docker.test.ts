import { afterAll, describe, expect, it } from 'vitest';
import { type Cluster, dockerUnavailableReason, runSql, startCluster } from '../src/index.ts';
import { eventually } from './support/processes.ts';

const reason = await dockerUnavailableReason();
if (reason) {
  // Printed so a skipped run says why; CI provides an engine and the image.
  console.warn(`[docker backend tests skipped] ${reason}`);
}
if (process.env.DRIZZLE_SHARD_REQUIRE_DOCKER === '1' && reason) {
  throw new Error(`DRIZZLE_SHARD_REQUIRE_DOCKER=1 but the docker backend is unavailable: ${reason}`);
}

describe.skipIf(reason !== undefined)('docker backend', () => {
  let cluster: Cluster | undefined;
  afterAll(() => cluster?.destroy());

  it('starts 1 shard + 1 replica with PgBouncer and replicates a row', async () => {
    cluster = await startCluster({ backend: 'docker', shards: 1, replicas: 1, pgbouncer: true });
    expect(cluster.backend).toBe('docker');
    const { primary, replicas } = cluster.shards[0]!;
    await runSql(primary.url, "create table hello(msg text); insert into hello values ('from docker')");
    const seen = await eventually(async () => {
      const rows = await runSql<{ msg: string }[]>(replicas[0]!.pgbouncerUrl!, 'select msg from hello').catch(
        () => [],
      );
      return rows[0]?.msg === 'from docker';
    });
    expect(seen).toBe(true);
    await cluster.setReplayDelay(replicas[0]!, 100);
    await cluster.stop(replicas[0]!);
    await cluster.start(replicas[0]!);
    expect(await runSql(replicas[0]!.url, 'select msg from hello')).toEqual([{ msg: 'from docker' }]);
  });
});
