import { basename } from 'node:path';
import type { Cluster, ClusterNode, ClusterOptions, ClusterShard } from './cluster-types.ts';
import { TestKitError } from './errors.ts';
import { DockerHost } from './host/docker-host.ts';
import { LocalHost } from './host/local-host.ts';
import type { NodeHost } from './host/node-host.ts';
import { shellQuote } from './lifecycle/reaper.ts';
import { CpuQuota, type CpuUsage } from './limits/cpu-quota.ts';
import { claimPort, freePort, releasePorts } from './net/ports.ts';
import { runSql, waitForPort } from './node-sql.ts';
import { PgBouncer } from './pgbouncer/pgbouncer.ts';
import { findPostgresBinaries } from './postgres/binaries.ts';
import { PostgresNode } from './postgres/postgres-node.ts';

const BACKENDS = ['local', 'docker'] as const;

function validate(
  options: ClusterOptions,
): Required<Pick<ClusterOptions, 'shards' | 'replicas' | 'backend'>> {
  const backend =
    options.backend ?? (process.env.DRIZZLE_SHARD_BACKEND as ClusterOptions['backend']) ?? 'local';
  if (!BACKENDS.includes(backend)) {
    throw new TestKitError(
      'KIT_BACKEND_UNKNOWN',
      `Unknown backend '${String(backend)}'. Use one of: ${BACKENDS.join(', ')}.`,
      { backend },
    );
  }
  const shards = options.shards ?? 1;
  const replicas = options.replicas ?? 0;
  if (!Number.isInteger(shards) || shards < 1 || shards > 64) {
    throw new TestKitError('KIT_BAD_OPTIONS', `shards must be an integer from 1 to 64, got ${shards}.`);
  }
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 8) {
    throw new TestKitError('KIT_BAD_OPTIONS', `replicas must be an integer from 0 to 8, got ${replicas}.`);
  }
  return { backend, shards, replicas };
}

async function createHost(backend: 'local' | 'docker', options: ClusterOptions) {
  if (backend === 'docker') return DockerHost.create(options.image);
  return LocalHost.create(findPostgresBinaries().binDir);
}

/** Hands out ports: consecutive from `basePort` (each checked), or free ones. */
function portSource(basePort: number | undefined): () => Promise<number> {
  let next = basePort;
  return () => (next === undefined ? freePort() : claimPort(next++));
}

interface Member {
  readonly node: ClusterNode;
  readonly server: PostgresNode;
  readonly bouncer?: PgBouncer;
}

/**
 * Starts real PostgreSQL servers: `shards` primaries, each with `replicas` streaming
 * replicas, optionally each behind PgBouncer in transaction mode.
 *
 * @example
 * const cluster = await startCluster({ shards: 4, replicas: 2, pgbouncer: true });
 * const url = cluster.shards[0].replicas[1].pgbouncerUrl;
 * await cluster.destroy();
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const { backend, shards, replicas } = validate(options);
  const nextPort = portSource(options.basePort);
  const bouncerOptions = options.pgbouncer === true ? {} : options.pgbouncer || undefined;
  const settings = options.settings ?? {};

  // Ports first: a port in use fails before anything has started.
  const layout: Array<{
    id: string;
    shard: number;
    role: 'primary' | 'replica';
    port: number;
    bouncerPort?: number;
  }> = [];
  for (let shard = 0; shard < shards; shard++) {
    for (let r = 0; r <= replicas; r++) {
      layout.push({
        id: r === 0 ? `shard${shard}-primary` : `shard${shard}-replica${r}`,
        shard,
        role: r === 0 ? 'primary' : 'replica',
        port: await nextPort(),
        ...(bouncerOptions ? { bouncerPort: await nextPort() } : {}),
      });
    }
  }

  if (options.cpuQuota !== undefined && backend !== 'local') {
    throw new TestKitError(
      'KIT_BAD_OPTIONS',
      'cpuQuota works with the local backend only (cgroups of this machine).',
    );
  }
  const host = await createHost(backend, options);
  const group = basename(host.dataRoot); // drizzle-shard-XXXXXX: unique per cluster
  const members: Member[] = layout.map((l) => {
    const quota = options.cpuQuota !== undefined ? new CpuQuota(group, l.id, options.cpuQuota) : undefined;
    // If this process dies without destroy(), the reaper stops the servers, then removes the group.
    if (quota) host.onAbandonAfterServers(`rmdir ${quota.folders().map(shellQuote).join(' ')}`);
    const server = new PostgresNode(
      host,
      { id: l.id, shard: l.shard, role: l.role, port: l.port },
      settings,
      quota,
    );
    const bouncer =
      l.bouncerPort !== undefined && bouncerOptions
        ? new PgBouncer(host, l.id, l.bouncerPort, l.port, bouncerOptions)
        : undefined;
    const node: ClusterNode = {
      id: l.id,
      shard: l.shard,
      role: l.role,
      port: l.port,
      url: `postgres://postgres@127.0.0.1:${l.port}/postgres`,
      ...(bouncer ? { pgbouncerUrl: `postgres://postgres@127.0.0.1:${bouncer.port}/postgres` } : {}),
      dataDir: server.dataDir,
    };
    return { node, server, ...(bouncer ? { bouncer } : {}) };
  });

  try {
    const primaries = members.filter((m) => m.node.role === 'primary');
    await Promise.all(
      primaries.map(async (m) => {
        await m.server.initPrimary();
        await m.server.start();
      }),
    );
    // Base backups one shard at a time per primary, shards in parallel: bounded load on 2 cores.
    await Promise.all(
      primaries.map(async (p) => {
        for (const m of members.filter((x) => x.node.role === 'replica' && x.node.shard === p.node.shard)) {
          await m.server.initReplicaOf(p.server);
          await m.server.start();
        }
      }),
    );
    for (const m of members) {
      if (m.bouncer) {
        await m.bouncer.start();
        await waitForPort(m.bouncer.port);
      }
    }
  } catch (error) {
    await teardown(host, members);
    throw error;
  }
  return new RunningCluster(host, members);
}

async function teardown(host: NodeHost, members: readonly Member[]): Promise<void> {
  await Promise.all(members.map((m) => m.bouncer?.stop()));
  await Promise.all(members.map((m) => m.server.stop('immediate')));
  await Promise.all(members.map((m) => m.server.releaseLimits()));
  await host.release();
  releasePorts(members.flatMap((m) => [m.node.port, ...(m.bouncer ? [m.bouncer.port] : [])]));
}

class RunningCluster implements Cluster {
  readonly backend: 'local' | 'docker';
  readonly shards: readonly ClusterShard[];
  readonly nodes: readonly ClusterNode[];
  readonly dataRoot: string;
  private destroyed?: Promise<void>;

  constructor(
    private readonly host: NodeHost,
    private readonly members: readonly Member[],
  ) {
    this.backend = host.backend;
    this.dataRoot = host.dataRoot;
    this.nodes = members.map((m) => m.node);
    const shardCount = Math.max(...this.nodes.map((n) => n.shard)) + 1;
    this.shards = Array.from({ length: shardCount }, (_, index) => {
      const own = this.nodes.filter((n) => n.shard === index);
      return {
        index,
        primary: own.find((n) => n.role === 'primary')!,
        replicas: own.filter((n) => n.role === 'replica'),
      };
    });
  }

  private member(node: ClusterNode | string): Member {
    this.assertAlive();
    const id = typeof node === 'string' ? node : node.id;
    const found = this.members.find((m) => m.node.id === id);
    if (!found) {
      throw new TestKitError(
        'KIT_NODE_UNKNOWN',
        `No node '${id}' in this cluster. Known: ${this.nodes.map((n) => n.id).join(', ')}.`,
      );
    }
    return found;
  }

  private replica(node: ClusterNode | string): Member {
    const m = this.member(node);
    if (m.node.role !== 'replica') {
      throw new TestKitError(
        'KIT_NOT_A_REPLICA',
        `${m.node.id} is a primary; replay controls apply to replicas only.`,
      );
    }
    return m;
  }

  private assertAlive(): void {
    if (this.destroyed)
      throw new TestKitError('KIT_DESTROYED', 'This cluster was destroyed; start a new one.');
  }

  async stop(node: ClusterNode | string): Promise<void> {
    await this.member(node).server.stop('fast');
  }

  async start(node: ClusterNode | string): Promise<void> {
    await this.member(node).server.start();
  }

  async setReplayDelay(node: ClusterNode | string, ms: number): Promise<void> {
    if (!Number.isInteger(ms) || ms < 0)
      throw new TestKitError('KIT_BAD_OPTIONS', `delay must be a whole number of ms ≥ 0, got ${ms}.`);
    await this.replica(node).server.setRuntimeSetting(
      'recovery_min_apply_delay',
      ms === 0 ? undefined : `'${ms}ms'`,
    );
  }

  async pauseReplay(node: ClusterNode | string): Promise<void> {
    await runSql(this.replica(node).node.url, 'select pg_wal_replay_pause()');
  }

  async resumeReplay(node: ClusterNode | string): Promise<void> {
    await runSql(this.replica(node).node.url, 'select pg_wal_replay_resume()');
  }

  cpuUsage(node: ClusterNode | string): CpuUsage {
    const m = this.member(node);
    const usage = m.server.cpuUsage();
    if (!usage) {
      throw new TestKitError(
        'KIT_BAD_OPTIONS',
        `${m.node.id} has no CPU group to read: start the cluster with cpuQuota to measure each server's CPU.`,
      );
    }
    return usage;
  }

  destroy(): Promise<void> {
    this.destroyed ??= teardown(this.host, this.members);
    return this.destroyed;
  }
}
