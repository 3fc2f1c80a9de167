import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reaper, shellQuote } from '../lifecycle/reaper.ts';
import type { CommandResult, NodeHost } from './node-host.ts';
import { runCommand } from './run-command.ts';

interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/** PostgreSQL refuses to run as root: when we are root, every server command runs as `postgres`. */
async function postgresOwner(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await runCommand('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await runCommand('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/** Runs PostgreSQL processes on this machine, under a fresh folder in the OS temp dir. */
export class LocalHost implements NodeHost {
  readonly backend = 'local' as const;
  readonly hasBaseBackup: boolean;

  private constructor(
    readonly binDir: string,
    readonly dataRoot: string,
    private readonly owner: Owner | undefined,
    private readonly reaper: Reaper,
  ) {
    this.hasBaseBackup = existsSync(join(binDir, 'pg_basebackup'));
  }

  static async create(binDir: string): Promise<LocalHost> {
    const owner = await postgresOwner();
    const dataRoot = await mkdtemp(join(tmpdir(), 'drizzle-shard-'));
    if (owner) await chown(dataRoot, owner.uid, owner.gid);
    const reaper = new Reaper(`${dataRoot}.reaper.sh`);
    reaper.add(`rm -rf ${shellQuote(dataRoot)}`);
    reaper.add(`rm -f ${shellQuote(`${dataRoot}.reaper.sh`)}`);
    return new LocalHost(binDir, dataRoot, owner, reaper);
  }

  run(
    command: string,
    args: readonly string[],
    options: { allowFailure?: boolean } = {},
  ): Promise<CommandResult> {
    const runAs = this.owner
      ? (['runuser', ['-u', 'postgres', '--', command, ...args]] as const)
      : ([command, args] as const);
    return runCommand(runAs[0], runAs[1], { ...options, detached: true });
  }

  async writeFile(path: string, content: string): Promise<void> {
    await writeFile(path, content);
    if (this.owner) await chown(path, this.owner.uid, this.owner.gid);
  }

  async makeDir(path: string): Promise<void> {
    await mkdir(path, { recursive: true, mode: 0o700 });
    if (this.owner) await chown(path, this.owner.uid, this.owner.gid);
  }

  onAbandon(shellLine: string): void {
    // Server stops must run before the folder removal added at creation: put them first.
    this.reaper.addFirst(this.owner ? `runuser -u postgres -- ${shellLine}` : shellLine);
  }

  onAbandonAfterServers(shellLine: string): void {
    this.reaper.addBeforeLast(shellLine);
  }

  async release(): Promise<void> {
    await rm(this.dataRoot, { recursive: true, force: true });
    this.reaper.dismiss();
  }
}
