import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { TestKitError } from '../errors.ts';
import { Reaper, shellQuote } from '../lifecycle/reaper.ts';
import type { CommandResult, NodeHost } from './node-host.ts';
import { commandFailed } from './run-command.ts';

/** The image built by `packages/testing/docker/build-image.sh` (Debian PostgreSQL 15 + PgBouncer). */
export const DEFAULT_DOCKER_IMAGE = process.env.DRIZZLE_SHARD_PG_IMAGE ?? 'drizzle-shard/postgres:15';

const TESTCONTAINERS_MISSING =
  'testcontainers is not installed (an optional peer of the kit, needed only by the docker backend): npm install --save-dev testcontainers';

/** testcontainers, loaded only when the docker backend is asked for; `undefined` when not installed. */
async function loadTestcontainers(): Promise<typeof import('testcontainers') | undefined> {
  // Our own reaper removes the container; Ryuk would need a registry pull.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  try {
    return await import('testcontainers');
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && message?.includes("'testcontainers'")) return undefined;
    throw error;
  }
}

/**
 * Why the docker backend cannot run here, or `undefined` when it can: no engine reachable,
 * or the kit's image not built yet. Tests use it to skip with a printed reason.
 */
export async function dockerUnavailableReason(image = DEFAULT_DOCKER_IMAGE): Promise<string | undefined> {
  const tc = await loadTestcontainers();
  if (!tc) return TESTCONTAINERS_MISSING;
  try {
    const client = await tc.getContainerRuntimeClient();
    if (!(await client.image.exists(tc.ImageName.fromString(image)))) {
      return `image ${image} is missing: run packages/testing/docker/build-image.sh`;
    }
    return undefined;
  } catch (error) {
    return `no Docker engine reachable (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Runs every PostgreSQL process of a cluster inside one container on the host network, so
 * node URLs are the same 127.0.0.1 URLs as with the local backend.
 */
export class DockerHost implements NodeHost {
  readonly backend = 'docker' as const;
  readonly binDir = '/usr/lib/postgresql/15/bin';
  readonly hasBaseBackup = true;
  readonly dataRoot = '/var/lib/drizzle-shard';

  private constructor(
    private readonly container: StartedTestContainer,
    private readonly reaper: Reaper,
  ) {}

  static async create(image = DEFAULT_DOCKER_IMAGE): Promise<DockerHost> {
    const reason = await dockerUnavailableReason(image);
    if (reason) {
      throw new TestKitError('KIT_DOCKER_UNAVAILABLE', `The docker backend cannot start: ${reason}.`, {
        image,
      });
    }
    const tc = await loadTestcontainers();
    if (!tc) throw new TestKitError('KIT_DOCKER_UNAVAILABLE', TESTCONTAINERS_MISSING, { image });
    const { GenericContainer } = tc;
    const container = await new GenericContainer(image)
      .withNetworkMode('host')
      .withCommand(['sleep', 'infinity'])
      .withLabels({ 'drizzle-shard.kit': String(process.pid) })
      .start();
    const reaper = new Reaper(
      join(tmpdir(), `drizzle-shard-docker-${container.getId().slice(0, 12)}.reaper.sh`),
    );
    reaper.add(`docker rm -f ${shellQuote(container.getId())} >/dev/null 2>&1`);
    const host = new DockerHost(container, reaper);
    await container.exec([
      'sh',
      '-c',
      `mkdir -p ${host.dataRoot} && chown postgres:postgres ${host.dataRoot}`,
    ]);
    return host;
  }

  async run(
    command: string,
    args: readonly string[],
    options: { allowFailure?: boolean } = {},
  ): Promise<CommandResult> {
    const result = await this.container.exec([command, ...args], { user: 'postgres' });
    const out = { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
    if (out.exitCode !== 0 && !options.allowFailure) throw commandFailed(command, args, out);
    return out;
  }

  async writeFile(path: string, content: string): Promise<void> {
    await this.run('sh', ['-c', 'printf %s "$1" > "$2"', 'sh', content, path]);
  }

  async makeDir(path: string): Promise<void> {
    await this.run('mkdir', ['-p', '-m', '700', path]);
  }

  onAbandon(): void {
    // Removing the container stops every process in it; nothing more to record.
  }

  onAbandonAfterServers(): void {
    // The same: nothing of a container's servers lives outside it (no cpuQuota with docker).
  }

  async release(): Promise<void> {
    await this.container.stop({ remove: true, timeout: 2_000 });
    this.reaper.dismiss();
  }
}
